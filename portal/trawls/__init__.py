"""Trawls: asking agencies whether they hold records, and their returns."""
