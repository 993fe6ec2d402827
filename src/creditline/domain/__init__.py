"""Pure domain model: money, credit lines, adjustments, reasons, events and ledger hashing.

Nothing here performs I/O or imports the store, service, API or dataframe layers.
"""
