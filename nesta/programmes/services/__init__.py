"""Writes of the programmes, one module per part; every write goes through
core.transactions.write_transaction() and is audited with a named event (apps.py)."""
