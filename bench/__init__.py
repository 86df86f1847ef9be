"""Benchmarks: a generated data set (`bench.generate`) and the returns pages measured on it (`bench.pages`)."""
