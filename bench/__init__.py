"""Reproducible benchmarks; each script writes its section of BENCHMARKS.md."""
