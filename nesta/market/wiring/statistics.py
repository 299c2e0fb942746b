"""What the market's statistics part registers with the platform: nothing of its own.

The cells are written by the contracts part's registration (`record_registration`, inside the
registration's transaction, audited as the registration itself), the page and the API are public
reads, and `rebuild_statistics` is a repair called by demo loaders and the benchmark — so there is
no periodic job, job kind, search type or audit event to declare here.
"""

from typing import Any


def register(registry: Any) -> None:
    return None
