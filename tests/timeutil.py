"""Dates for tests that must not depend on the day or hour they run."""

from datetime import datetime, timedelta

from django.utils import timezone


def working_day(n: int = 1) -> datetime:
    """Now (local time) moved to the n-th working day (Monday–Friday) after today: distinct for
    distinct n whatever today is (skipping to Monday from a Friday gave days=1 and days=2 the same
    slot, and CI failed on a Friday)."""
    day = timezone.localtime()
    while n > 0:
        day += timedelta(days=1)
        n -= day.isoweekday() <= 5
    return day
