"""The managers' page box of the waiting list (`{% load waitlist %}`, `{% manage_waitlist instrument %}`):
who queues for which slot, in queue order, with the open offers' deadlines (one query)."""

from typing import Any

from django import template

from nesta.instruments.selectors import waitlist as selectors

register = template.Library()


@register.inclusion_tag("instruments/_waitlist_manage.html")
def manage_waitlist(instrument: Any) -> dict[str, Any]:
    return {"instrument": instrument, "queue": selectors.instrument_queue(instrument_id=instrument.pk, limit=20)}
