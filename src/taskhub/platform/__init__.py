"""Technical building blocks shared by the adapters of every context."""
