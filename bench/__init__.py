"""Benchmarks: a generated data set (`bench.generate`) and the pages measured on it (`bench.pages`)."""
