"""Reads of the instrument network, one module per concern."""
