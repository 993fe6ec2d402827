"""Rank the reason codes of each scored row by the points its characteristics lost."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import polars as pl

SlotArray = npt.NDArray[np.uint8] | npt.NDArray[np.intp]
RankArray = npt.NDArray[np.int16] | npt.NDArray[np.int32]


def rank_reason_codes(
    slots: Sequence[SlotArray],
    slot_losses: Sequence[npt.NDArray[np.float64]],
    codes: Sequence[str],
    max_reasons: int,
) -> pl.Series:
    """Return each row's reason codes, largest points loss first, as a List[String] Series.

    Characteristic ``j`` put each row into slot ``slots[j]``, a bin or the missing slot.
    ``slot_losses[j][slot]`` is the points that slot lost against the characteristic's
    best bin, and ``codes[j]`` is the characteristic's reason code. Only losses above 0
    count. Equal losses keep the order of the characteristics in the model. When several
    characteristics share a code, the code appears once, at the position of its largest
    loss. At most ``max_reasons`` codes are returned per row.
    """
    if not len(slots) == len(slot_losses) == len(codes) or not codes:
        raise ValueError("slots, slot_losses and codes need one entry per characteristic")
    n_rows = slots[0].size

    rank_tables, code_of_rank, sentinel = _rank_slots(slot_losses, codes)
    unique_codes = list(dict.fromkeys(codes))

    # Every (characteristic, slot) pair has its own rank, so comparing ranks orders a
    # row's characteristics by loss, and the smallest rank within a code is that code's
    # largest loss.
    code_ranks: list[RankArray] = []
    for code in unique_codes:
        member_ranks = [rank_tables[j][slots[j]] for j, member in enumerate(codes) if member == code]
        code_ranks.append(np.minimum.reduce(member_ranks))

    picks = _smallest_ranks(code_ranks, n_rows, max_reasons, sentinel)
    counts = (picks < sentinel).sum(axis=1)

    names = pl.Series("reason_codes", [*unique_codes, None], dtype=pl.String)
    flat = names.gather(code_of_rank[picks.ravel()])
    lists = flat.reshape((n_rows, max_reasons)).arr.to_list()
    # Each row has its picked codes first and nulls after them, so keep the first ``count``.
    frame = pl.DataFrame({"codes": lists, "count": counts})
    return frame.select(pl.col("codes").list.head(pl.col("count"))).to_series().alias("reason_codes")


def _rank_slots(
    slot_losses: Sequence[npt.NDArray[np.float64]], codes: Sequence[str]
) -> tuple[list[RankArray], npt.NDArray[np.intp], int]:
    """Give every (characteristic, slot) with a positive loss one rank, largest loss first.

    Returns a rank table per characteristic (``sentinel`` where the loss is not positive),
    the code index of each rank (the number of codes for the sentinel) and the sentinel.
    """
    code_index = {code: k for k, code in enumerate(dict.fromkeys(codes))}
    pairs = sorted(
        (-float(loss), j, slot)
        for j, losses in enumerate(slot_losses)
        for slot, loss in enumerate(losses)
        if loss > 0
    )
    sentinel = len(pairs)
    # _smallest_ranks adds sentinel + 1 to a rank, so int16 holds up to 16,382 pairs.
    dtype = np.int16 if 2 * sentinel + 1 <= np.iinfo(np.int16).max else np.int32
    rank_tables: list[RankArray] = [np.full(len(losses), sentinel, dtype=dtype) for losses in slot_losses]
    code_of_rank = np.full(sentinel + 1, len(code_index), dtype=np.intp)
    for rank, (_, j, slot) in enumerate(pairs):
        rank_tables[j][slot] = rank
        code_of_rank[rank] = code_index[codes[j]]
    return rank_tables, code_of_rank, sentinel


def _smallest_ranks(
    code_ranks: Sequence[RankArray], n_rows: int, count: int, sentinel: int
) -> RankArray:
    """Return the ``count`` smallest ranks per row in ascending order, padded with ``sentinel``.

    Works on one contiguous column at a time with branch-free arithmetic, because
    sorting the rows of a rows x codes matrix is about ten times slower for the few
    ranks needed.
    """
    dtype = code_ranks[0].dtype
    picks = np.full((n_rows, count), sentinel, dtype=dtype)
    previous = np.full(n_rows, -1, dtype=dtype)
    taken = np.empty(n_rows, dtype=np.bool_)
    candidate = np.empty(n_rows, dtype=dtype)
    for position in range(count):
        current = np.full(n_rows, sentinel, dtype=dtype)
        for ranks in code_ranks:
            # A rank already picked (not above ``previous``) is pushed past the sentinel.
            np.less_equal(ranks, previous, out=taken)
            np.multiply(taken, sentinel + 1, out=candidate, casting="unsafe")
            np.add(candidate, ranks, out=candidate)
            np.minimum(current, candidate, out=current)
        np.minimum(current, sentinel, out=current)
        picks[:, position] = current
        previous = current
    return picks
