"""creditline: a credit-line management engine for consumer lenders."""

__version__ = "0.1.0"
