"""Limit suggestions: the need-for-change model and the suggested limit range."""
