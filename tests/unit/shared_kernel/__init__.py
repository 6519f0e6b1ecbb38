"""Tests of the pure building blocks every context shares."""
