"""Differential testing of nq against DuckDB (see Tests/oracle/test_differential.py)."""
