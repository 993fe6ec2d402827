"""Converters that turn public credit data sets into creditline import folders."""
