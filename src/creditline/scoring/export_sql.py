"""Export a scorecard as one SQL SELECT that scores a table in the database.

The statement gives the same points per characteristic, total score and reason codes as
:meth:`creditline.scoring.Scorecard.score`:

- A numerical value goes to its bin by ``splits[k-1] <= x < splits[k]``, after null (and
  NaN where the dialect can test for it) went to the missing slot and each declared
  special value to its own slot, the same precedence as the Python scorer. The column is
  cast to a double first, so integer and numeric columns compare as float64 values do.
- A categorical value is cast to text and looked up in the category groups. A label
  never seen in training gets the points of ``unseen_bin``, null the missing slot.
- Reason codes: every (characteristic, slot) pair with a positive points loss against the
  characteristic's best bin gets a global rank, largest loss first and ties in model
  order (:func:`creditline.scoring.reason_codes.rank_reason_codes`). A code shared by
  several characteristics takes its smallest rank, and the ``max_reasons`` smallest code
  ranks of a row become ``reason_code_1`` .. ``reason_code_<max_reasons>`` (null when the
  row has fewer).

The ranks are computed here in Python, so the SQL only compares integers and the tie
rules cannot drift between the two scorers. Points are written as the shortest decimal
that round-trips to the same float64, and the score adds them in model order, as the
Python scorer does, so PostgreSQL returns bit-identical scores.

Output columns: the ``keep`` columns, ``points_<feature>`` per characteristic, ``score``
and the reason code columns. Helper columns of the inner queries start with ``_cl_``.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from creditline.errors import InvalidInput
from creditline.scoring.scorecard import CATEGORICAL, Characteristic, Scorecard

logger = logging.getLogger(__name__)

DIALECTS = ("postgresql", "hive", "spark")


@dataclass(frozen=True, slots=True)
class Dialect:
    """Spelling of identifiers, literals, types and the NaN test in one SQL dialect."""

    name: str
    identifier_quote: str
    double_type: str
    text_type: str
    backslash_escapes: bool  # whether a backslash in a string literal starts an escape
    nan_test: str  # template with {value}; empty when the dialect has no NaN test

    def identifier(self, name: str) -> str:
        q = self.identifier_quote
        return q + name.replace(q, q + q) + q

    def string(self, value: str) -> str:
        if self.backslash_escapes:
            return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"
        return "'" + value.replace("'", "''") + "'"

    def double(self, value: float) -> str:
        return f"CAST('{value!r}' AS {self.double_type})"

    def missing_test(self, value: str) -> str:
        if not self.nan_test:
            return f"{value} IS NULL"
        return f"({value} IS NULL OR {self.nan_test.format(value=value)})"


_DIALECTS = {
    "postgresql": Dialect(
        name="postgresql",
        identifier_quote='"',
        double_type="DOUBLE PRECISION",
        text_type="TEXT",
        backslash_escapes=False,
        # PostgreSQL orders NaN above every number and makes NaN = NaN true.
        nan_test="{value} = CAST('NaN' AS DOUBLE PRECISION)",
    ),
    # NOTE: Hive has no isnan() function, so a NaN stored in a Hive DOUBLE column falls in
    # the last bin here while the Python scorer gives it the missing bin. Hive writes NULL
    # for unparsable numbers, so NaN is rare in Hive tables.
    "hive": Dialect(
        name="hive",
        identifier_quote="`",
        double_type="DOUBLE",
        text_type="STRING",
        backslash_escapes=True,
        nan_test="",
    ),
    "spark": Dialect(
        name="spark",
        identifier_quote="`",
        double_type="DOUBLE",
        text_type="STRING",
        backslash_escapes=True,
        nan_test="isnan({value})",
    ),
}


@dataclass(frozen=True, slots=True)
class SlotRule:
    """One slot of a characteristic as an exporter writes it.

    ``kind`` is "bin", "special", "missing" or "unseen" (the catch-all of a categorical
    characteristic, which scores as ``unseen_bin``). A numerical bin has ``lower`` and
    ``upper`` (None when open), a categorical bin its ``labels``, a special value its
    ``value``. ``loss`` is the points lost against the best bin.
    """

    slot: int
    kind: str
    points: float
    loss: float
    lower: float | None = None
    upper: float | None = None
    labels: tuple[str, ...] = ()
    value: float | str | None = None


def get_dialect(name: str) -> Dialect:
    """Return the dialect called ``name``.

    Raises
    ------
    InvalidInput
        When ``name`` is not one of :data:`DIALECTS`.
    """
    dialect = _DIALECTS.get(name)
    if dialect is None:
        raise InvalidInput("export.dialect_unknown", dialect=name, allowed=", ".join(DIALECTS))
    return dialect


def category_slots(characteristic: Characteristic) -> dict[str, int]:
    """Return the label-to-slot mapping of a categorical characteristic, as the scorer builds it.

    A special value's text replaces a category label of the same text, as in
    :meth:`Characteristic.slots`.
    """
    mapping = {label: k for k, group in enumerate(characteristic.categories) for label in group}
    first_special = len(characteristic.bins)
    mapping.update({str(s.value): first_special + j for j, s in enumerate(characteristic.special_bins)})
    return mapping


def slot_rules(characteristic: Characteristic) -> list[SlotRule]:
    """Return the characteristic's slots in the order an exporter tests them.

    Missing first, then the special values, then the bins; a categorical characteristic
    ends with the catch-all for unseen labels.
    """
    points = characteristic.slot_points()
    losses = characteristic.slot_losses()
    n_bins = len(characteristic.bins)
    missing_slot = n_bins + len(characteristic.special_bins)
    rules = [SlotRule(missing_slot, "missing", float(points[missing_slot]), float(losses[missing_slot]))]
    categorical = characteristic.dtype == CATEGORICAL
    mapping = category_slots(characteristic) if categorical else {}
    for j, special in enumerate(characteristic.special_bins):
        slot = n_bins + j
        labels = tuple(label for label, s in mapping.items() if s == slot)
        value: float | str = special.value if categorical else float(special.value)
        rules.append(SlotRule(slot, "special", float(points[slot]), float(losses[slot]), labels=labels, value=value))
    splits = characteristic.splits
    for k in range(n_bins):
        labels = tuple(label for label, s in mapping.items() if s == k)
        if categorical and not labels:
            continue
        lower = None if categorical or k == 0 else splits[k - 1]
        upper = None if categorical or k == len(splits) else splits[k]
        rules.append(SlotRule(k, "bin", float(points[k]), float(losses[k]), lower=lower, upper=upper, labels=labels))
    if categorical:
        unseen = characteristic.unseen_bin or 0
        rules.append(SlotRule(unseen, "unseen", float(points[unseen]), float(losses[unseen])))
    return rules


def loss_ranks(model: Scorecard) -> list[dict[int, int]]:
    """Return, per characteristic, the global rank of each slot with a positive loss.

    Pairs are ordered by loss descending, then characteristic, then slot, the order of
    :func:`creditline.scoring.reason_codes.rank_reason_codes`.
    """
    pairs = sorted(
        (-float(loss), j, slot)
        for j, c in enumerate(model.characteristics)
        for slot, loss in enumerate(c.slot_losses())
        if loss > 0
    )
    ranks: list[dict[int, int]] = [{} for _ in model.characteristics]
    for rank, (_, j, slot) in enumerate(pairs):
        ranks[j][slot] = rank
    return ranks


def export_sql(
    model: Scorecard,
    dialect: str = "postgresql",
    *,
    table: str = "profiles",
    keep: Sequence[str] = ("account_id",),
) -> str:
    """Write one SELECT that scores every row of ``table`` like ``model.score``.

    Parameters
    ----------
    model : the scorecard to export.
    dialect : "postgresql", "hive" or "spark".
    table : the table or view with one column per characteristic; a dotted name such as
        ``risk.profiles`` is quoted part by part.
    keep : columns of ``table`` copied to the output first, such as the account id.

    Returns
    -------
    The statement, with a comment header naming the model version and the dialect.

    Raises
    ------
    InvalidInput
        When the dialect is unknown or ``table`` is empty.
    """
    sql = get_dialect(dialect)
    if not table.strip():
        raise InvalidInput("export.table_missing")
    q = sql.identifier
    source = ".".join(q(part) for part in table.split("."))
    kept = [q(name) for name in keep]
    ranks = loss_ranks(model)
    codes = list(dict.fromkeys(c.reason_code for c in model.characteristics))
    sentinel = sum(len(r) for r in ranks)
    points_columns = [q(f"points_{c.name}") for c in model.characteristics]
    slot_columns = [q(f"_cl_slot_{j}") for j in range(len(model.characteristics))]
    rank_columns = [q(f"_cl_rank_{j}") for j in range(len(model.characteristics))]
    code_columns = [q(f"_cl_code_rank_{k}") for k in range(len(codes))]
    reason_columns = [q(f"reason_code_{k}") for k in range(1, model.settings.max_reasons + 1)]

    slotted = [*(f"t.{name}" for name in kept)]
    slotted += [f"{_slot_case(c, sql)} AS {col}" for c, col in zip(model.characteristics, slot_columns, strict=True)]

    pointed = [*kept]
    for c, slot_col, points_col in zip(model.characteristics, slot_columns, points_columns, strict=True):
        whens = " ".join(f"WHEN {slot} THEN {sql.double(float(p))}" for slot, p in enumerate(c.slot_points()))
        pointed.append(f"CASE {slot_col} {whens} END AS {points_col}")
    for j, (slot_col, rank_col) in enumerate(zip(slot_columns, rank_columns, strict=True)):
        whens = " ".join(f"WHEN {slot} THEN {rank}" for slot, rank in sorted(ranks[j].items()))
        pointed.append(f"CASE {slot_col} {whens} ELSE {sentinel} END AS {rank_col}" if whens else f"{sentinel} AS {rank_col}")

    summed = [*kept, *points_columns, f"{' + '.join(points_columns)} AS {q('score')}"]
    for code, code_col in zip(codes, code_columns, strict=True):
        members = [rank_columns[j] for j, c in enumerate(model.characteristics) if c.reason_code == code]
        expression = members[0] if len(members) == 1 else f"LEAST({', '.join(members)})"
        summed.append(f"{expression} AS {code_col}")

    final = [*kept, *points_columns, q("score")]
    for position, reason_col in enumerate(reason_columns):
        whens = " ".join(
            f"WHEN {code_col} < {sentinel} AND {_position(code_col, code_columns)} = {position} THEN {sql.string(code)}"
            for code, code_col in zip(codes, code_columns, strict=True)
        )
        final.append(f"CASE {whens} ELSE NULL END AS {reason_col}")

    header = [
        f"-- creditline scorecard {model.model_version}: points, score and reason codes ({sql.name})",
        f"-- source {table}; output columns: {', '.join([*keep, 'points_<feature>', 'score', 'reason_code_1..'])}",
    ]
    statement = "\n".join(
        [
            *header,
            _select(final),
            "FROM (",
            _select(summed, indent="  "),
            "  FROM (",
            _select(pointed, indent="    "),
            "    FROM (",
            _select(slotted, indent="      "),
            f"      FROM {source} t",
            "    ) slotted",
            "  ) pointed",
            ") summed",
        ]
    )
    logger.info("scorecard %s exported as %s SQL (%d characters)", model.model_version, sql.name, len(statement))
    return statement + "\n"


def _select(columns: Sequence[str], indent: str = "") -> str:
    inner = f",\n{indent}  ".join(columns)
    return f"{indent}SELECT\n{indent}  {inner}"


def _slot_case(characteristic: Characteristic, sql: Dialect) -> str:
    """Write the CASE that maps a column to the characteristic's slot number."""
    column = f"t.{sql.identifier(characteristic.name)}"
    categorical = characteristic.dtype == CATEGORICAL
    value = f"CAST({column} AS {sql.text_type if categorical else sql.double_type})"
    whens: list[str] = []
    last = ""
    for rule in slot_rules(characteristic):
        if rule.kind == "missing":
            test = f"{value} IS NULL" if categorical else sql.missing_test(value)
        elif rule.kind == "unseen":
            last = f"ELSE {rule.slot}"
            continue
        elif categorical:
            if not rule.labels:
                continue
            test = f"{value} IN ({', '.join(sql.string(label) for label in rule.labels)})"
        elif rule.kind == "special":
            test = f"{value} = {sql.double(float(rule.value))}"  # type: ignore[arg-type]
        elif rule.upper is None:
            last = f"ELSE {rule.slot}"
            continue
        else:
            test = f"{value} < {sql.double(rule.upper)}"
        whens.append(f"WHEN {test} THEN {rule.slot}")
    return f"CASE {' '.join(whens)} {last} END"


def _position(column: str, columns: Sequence[str]) -> str:
    """Write the count of codes with a smaller rank than ``column``: its 0-based position."""
    others = [f"CASE WHEN {other} < {column} THEN 1 ELSE 0 END" for other in columns if other != column]
    return f"({' + '.join(others)})" if others else "0"
