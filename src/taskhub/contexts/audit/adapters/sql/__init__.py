"""Audit storage: the hash-chained entries and the writer every unit of work calls."""
