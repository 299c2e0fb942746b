"""The workflows of the instrument network as transition tables (core.lifecycle).

The services run them (services/booking.py, services/orders.py); the selectors "what may this
user do now", the API's transition endpoints and the web's buttons and POST views are derived
from the same tables.

    booking:  pending ─approve→ confirmed ─check_in→ in_use ─check_out→ completed
                 │ └─reject→ rejected      │ └(tick)→ no_show
                 └──── cancel ─────────────┴→ cancelled | late_cancelled (the booker, after the deadline)

    order:    submitted ─quote→ quoted ─confirm→ confirmed ─receive→ received ─start→ testing ─report→ reported ─settle→ settled
                 │                │ ↺ quote (re-quote)   │
                 └──── cancel ────┴────── cancel ────────┴→ cancelled   (the customer, before the samples are received)

    problem:  open ─acknowledge→ acknowledged ─resolve→ resolved   (resolve also straight from open)

    waitlist: waiting ─offer→ offered ─claim→ claimed | expired | cancelled   (lifecycles/waitlist.py)
    training: requested ─schedule→ scheduled ─grant→ granted | declined | cancelled   (lifecycles/training.py)
"""

from nesta.instruments.lifecycles.booking import (
    BOOKING,
    CHECK_IN_EARLY,
    ROW_STEPS,
    booking_policy,
    booking_row_steps,
    booking_transitions,
    cancel_deadline,
    is_late_cancellation,
)
from nesta.instruments.lifecycles.orders import TESTORDER, notify_order, order_url, staff_of
from nesta.instruments.lifecycles.problems import PROBLEM
from nesta.instruments.lifecycles.training import TRAINING
from nesta.instruments.lifecycles.waitlist import WAITLIST

__all__ = [
    "BOOKING",
    "CHECK_IN_EARLY",
    "PROBLEM",
    "ROW_STEPS",
    "TESTORDER",
    "TRAINING",
    "WAITLIST",
    "booking_policy",
    "booking_row_steps",
    "booking_transitions",
    "cancel_deadline",
    "is_late_cancellation",
    "notify_order",
    "order_url",
    "staff_of",
]
