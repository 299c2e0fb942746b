"""The instrument network's periodic housekeeping: one function for `manage.py instruments_tick`
and the registered periodic job "instruments.tick" (every five minutes)."""

from datetime import datetime

from nesta.instruments.services.booking import bookings_mark_no_shows, bookings_send_reminders
from nesta.instruments.services.fees import charges_post_pending


def instruments_tick(now: datetime | None = None) -> dict[str, int]:
    """Mark no-shows, send reminders, charge finished sessions; returns the counts."""
    return {
        "no_shows": bookings_mark_no_shows(now=now),
        "reminded": bookings_send_reminders(now=now),
        "charged": charges_post_pending(until=now),
    }
