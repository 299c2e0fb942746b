"""Reads of the testing-service catalogue and of testing orders."""

from typing import Any

from django.db.models import QuerySet

from nesta.core.errors import NotFound, PermissionDenied
from nesta.core.permissions import can, require
from nesta.instruments.models import Instrument, ServiceItem, TestOrder


def may_view_order(actor: Any, order: TestOrder) -> bool:
    """The customer, their organisation's admin, the instrument's staff and the office."""
    return can(actor, "testorder.view", order) or can(actor, "instrument.manage", order.instrument)


def testorder_get(*, actor: Any, order_id: int) -> TestOrder:
    """One order, for those who may see it (401 anonymous, 403 others, 404 when there is none)."""
    order = (
        TestOrder.objects.select_related("instrument__province", "service", "customer", "charge")
        .filter(pk=order_id)
        .first()
    )
    if order is None:
        raise NotFound()
    if not may_view_order(actor, order):
        require(actor, "testorder.view", order)
        raise PermissionDenied(details={"action": "testorder.view"})
    return order


def service_items_of(*, instrument_id: int, include_inactive: bool = False) -> QuerySet[ServiceItem]:
    """An instrument's public testing-service catalogue (active entries unless asked otherwise)."""
    if not Instrument.objects.filter(pk=instrument_id).exists():
        raise NotFound()
    items = ServiceItem.objects.filter(instrument_id=instrument_id).order_by("id")
    return items if include_inactive else items.filter(active=True)
