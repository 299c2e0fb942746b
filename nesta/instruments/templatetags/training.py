"""The boxes other pages show about training requests (`{% load training %}`), so the instrument
page and the managers' page include them without their views knowing:

    {% training_status instrument %}   the instrument page: 申请上机培训, or where the viewer's request stands
    {% manage_training instrument %}   the managers' page: the open requests and a link to the list

Both read through selectors.training (at most three queries)."""

from typing import Any

from django import template

from nesta.instruments.selectors import training as selectors

register = template.Library()


@register.inclusion_tag("instruments/_training_status.html", takes_context=True)
def training_status(context: Any, instrument: Any) -> dict[str, Any]:
    user = context["request"].user
    return {"instrument": instrument, "user": user, "state": selectors.training_state(instrument=instrument, user=user)}


@register.inclusion_tag("instruments/_training_manage.html", takes_context=True)
def manage_training(context: Any, instrument: Any) -> dict[str, Any]:
    return {
        "instrument": instrument,
        "request": context["request"],
        "open_requests": selectors.open_requests(instrument_id=instrument.pk, limit=10),
    }
