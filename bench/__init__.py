"""searchkit benchmarks: ``make bench`` or ``python -m bench --sizes 10,50`` (see README)."""
