"""Writes of the instrument network, one module per concern; import from here."""

from nesta.instruments.services.access import blackout_add, blackout_remove, qualification_grant, qualification_revoke
from nesta.instruments.services.booking import (
    booking_approve,
    booking_cancel,
    booking_check_in,
    booking_check_out,
    booking_create,
    booking_create_weekly,
    booking_reject,
    bookings_mark_no_shows,
    bookings_send_reminders,
)
from nesta.instruments.services.booking_move import booking_move
from nesta.instruments.services.fees import charges_for_usage, charges_post_pending, charges_post_usage
from nesta.instruments.services.indexing import instruments_reindex
from nesta.instruments.services.orders import (
    service_item_create,
    service_item_update,
    testorder_cancel,
    testorder_confirm,
    testorder_quote,
    testorder_receive,
    testorder_report,
    testorder_settle,
    testorder_start,
    testorder_submit,
)
from nesta.instruments.services.registry import instrument_create, instrument_photo_set, instrument_update
from nesta.instruments.services.usage import usage_record

__all__ = [
    "blackout_add",
    "blackout_remove",
    "booking_approve",
    "booking_cancel",
    "booking_check_in",
    "booking_check_out",
    "booking_create",
    "booking_create_weekly",
    "booking_move",
    "booking_reject",
    "bookings_mark_no_shows",
    "bookings_send_reminders",
    "charges_for_usage",
    "charges_post_pending",
    "charges_post_usage",
    "instrument_create",
    "instrument_photo_set",
    "instrument_update",
    "instruments_reindex",
    "qualification_grant",
    "qualification_revoke",
    "service_item_create",
    "service_item_update",
    "testorder_cancel",
    "testorder_confirm",
    "testorder_quote",
    "testorder_receive",
    "testorder_report",
    "testorder_settle",
    "testorder_start",
    "testorder_submit",
    "usage_record",
]
