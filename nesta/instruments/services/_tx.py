"""Moved to core: every service writes through nesta.core.transactions.write_transaction()."""

from nesta.core.transactions import RETRY_AFTER_SECONDS, write_transaction

locked_write = write_transaction

__all__ = ["RETRY_AFTER_SECONDS", "locked_write"]
