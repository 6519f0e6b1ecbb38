"""Vocabulary every context shares: ids, clocks, errors, events and the acting principal.

Pure Python on purpose: anything here is importable from any layer of any context.
"""
