"""Readers of the files users bring: they return data and a report of problems."""
