"""Model monitoring for staff: score PSI and characteristic CSI of a registered scorecard.

Officers, auditors and admins may call it. The numbers are those of
``creditline model monitor``, from the same service function.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends
from sqlalchemy import Connection

from creditline.api.auth import Principal, Role, require_roles
from creditline.api.deps import connection
from creditline.service.monitoring import monitor_model

router = APIRouter(prefix="/v1", tags=["models"])

Conn = Annotated[Connection, Depends(connection)]
ModelReader = Annotated[Principal, Depends(require_roles(Role.OFFICER, Role.AUDITOR, Role.ADMIN))]


@router.get(
    "/models/{model_version}/monitor",
    summary="Score PSI and characteristic CSI between the training sample and the current portfolio",
)
def get_model_monitor(model_version: str, conn: Conn, _reader: ModelReader) -> dict[str, Any]:
    return monitor_model(conn, model_version).to_dict()
