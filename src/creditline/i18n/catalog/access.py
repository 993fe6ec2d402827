"""Messages of access control, idempotency, the outbox and human review."""

MESSAGES: dict[str, dict[str, str]] = {
    "api.title.unauthorized": {"zh": "未通过身份验证", "en": "Unauthorized"},
    "api.title.forbidden": {"zh": "无权访问", "en": "Forbidden"},
    "error.unauthenticated": {
        "zh": "身份验证失败：请携带有效的访问令牌（Authorization: Bearer <令牌>）。",
        "en": "Authentication failed: send a valid access token (Authorization: Bearer <token>).",
    },
    "error.forbidden": {
        "zh": "无权执行此操作。",
        "en": "You are not allowed to do this.",
    },
    "access.token.missing": {
        "zh": "缺少访问令牌：请在请求头 Authorization 中提供“Bearer <令牌>”。",
        "en": "Missing access token: send the header 'Authorization: Bearer <token>'.",
    },
    "access.token.malformed": {
        "zh": "访问令牌格式无效：应为以点分隔的三段 base64url 文本。请重新登录以获取新令牌。",
        "en": "Malformed access token: expected three base64url segments separated by dots. Sign in again to get a new token.",
    },
    "access.token.unsupported_algorithm": {
        "zh": "访问令牌的签名算法“{algorithm}”不受支持：只接受 HS256。",
        "en": "Access token signature algorithm '{algorithm}' is not supported: only HS256 is accepted.",
    },
    "access.token.unknown_key": {
        "zh": "访问令牌的密钥编号“{kid}”未知：该密钥可能已停用，请重新登录以获取新令牌。",
        "en": "Access token key id '{kid}' is unknown: the key may have been retired. Sign in again to get a new token.",
    },
    "access.token.bad_signature": {
        "zh": "访问令牌签名无效：请重新登录以获取新令牌。",
        "en": "Access token signature is invalid: sign in again to get a new token.",
    },
    "access.token.claim_invalid": {
        "zh": "访问令牌的声明“{claim}”缺失或无效。",
        "en": "Access token claim '{claim}' is missing or invalid.",
    },
    "access.token.role_unknown": {
        "zh": "访问令牌中的角色“{role}”未知：可用角色为 {roles}。",
        "en": "Access token role '{role}' is unknown: the roles are {roles}.",
    },
    "access.token.expired": {
        "zh": "访问令牌已过期：请重新登录以获取新令牌。",
        "en": "Access token has expired: sign in again to get a new token.",
    },
    "access.token.not_yet_valid": {
        "zh": "访问令牌的签发时间晚于当前时间：请检查签发方的系统时钟。",
        "en": "Access token is issued in the future: check the issuer's clock.",
    },
    "access.role_required": {
        "zh": "角色“{role}”无权执行此操作：需要以下角色之一：{roles}。",
        "en": "Role '{role}' may not do this: it needs one of {roles}.",
    },
}
