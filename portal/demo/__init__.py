"""Fictional demonstration data. Every name here is invented."""
