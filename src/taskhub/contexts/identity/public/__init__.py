"""The public layer of the identity context."""
