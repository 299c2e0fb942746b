"""Writes of the instrument network, one module per concern; import from here."""

from nesta.instruments.services.booking import (
    booking_approve,
    booking_cancel,
    booking_check_in,
    booking_check_out,
    booking_create,
    booking_create_weekly,
    booking_reject,
    bookings_mark_no_shows,
)

__all__ = [
    "booking_approve",
    "booking_cancel",
    "booking_check_in",
    "booking_check_out",
    "booking_create",
    "booking_create_weekly",
    "booking_reject",
    "bookings_mark_no_shows",
]
