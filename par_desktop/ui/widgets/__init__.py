"""Widgets shared by every page: the data table, the filter bar, icons."""
