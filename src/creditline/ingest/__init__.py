"""Read and validate a lender's import folder into normalised Polars frames.

The tables and their columns are declared in :mod:`creditline.contracts`. Nothing here
touches the database: the caller persists a :class:`Portfolio` once it loaded cleanly.
"""

from creditline.ingest.portfolio import Portfolio, load_portfolio
from creditline.ingest.problems import RowError

__all__ = ["Portfolio", "RowError", "load_portfolio"]
