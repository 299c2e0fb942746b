"""Reads of the testing-service catalogue and of testing orders."""

from typing import Any

from django.db.models import Count, QuerySet

from nesta.core.errors import NotFound, PermissionDenied
from nesta.core.lifecycle import Transition
from nesta.core.pagination import Page, keyset_page
from nesta.core.permissions import can, require, restrict
from nesta.instruments.lifecycles import TESTORDER
from nesta.instruments.models import Instrument, ServiceItem, TestOrder

# What an order list row shows: the service, the instrument and its owner, the customer and theirs.
LIST_RELATED = ("service", "instrument__owner", "customer", "organization", "account")  # account: the payer shown


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


def service_item_get(*, item_id: int) -> ServiceItem:
    """One catalogue entry with its instrument (inactive entries too: the page says they are stopped)."""
    item = ServiceItem.objects.select_related("instrument__owner", "instrument__province").filter(pk=item_id).first()
    if item is None:
        raise NotFound()
    return item


def testorder_transitions(actor: Any, order: TestOrder) -> list[Transition]:
    """The steps `actor` may take on `order` now, from the order's transition table: the staff's
    (instrument.manage on the instrument) and the customer's (testorder.own), each only from the
    states it starts from. No query beyond the actor's grants."""
    return TESTORDER.available(actor, order)


def testorder_actions(actor: Any, order: TestOrder) -> list[str]:
    """The names of testorder_transitions (what the order page's buttons test for)."""
    return [t.name for t in testorder_transitions(actor, order)]


def _page(qs: QuerySet[TestOrder], cursor: str | None, limit: int | None) -> Page[TestOrder]:
    """Newest first, keyset-paged on the id (stable while new orders arrive)."""
    return keyset_page(qs.select_related(*LIST_RELATED), cursor=cursor, limit=limit, newest_first=True)


def _with_status(qs: QuerySet[TestOrder], status: str) -> QuerySet[TestOrder]:
    return qs.filter(status=status) if status in TestOrder.Status.values else qs


def testorders_of_customer_qs(*, actor: Any) -> QuerySet[TestOrder]:
    """The orders `actor` sees as a customer: their own; an organisation admin's, their organisation's;
    the office's, all (the testorder.view policy)."""
    return restrict(
        actor, "testorder.view", TestOrder.objects.all(), organization_field="organization_id", user_field="customer_id"
    )


def testorders_of_customer(
    *, actor: Any, status: str = "", cursor: str | None = None, limit: int | None = None
) -> Page[TestOrder]:
    return _page(_with_status(testorders_of_customer_qs(actor=actor), status), cursor, limit)


def testorders_of_staff_qs(*, actor: Any) -> QuerySet[TestOrder]:
    """The orders placed on the instruments `actor` manages (403 for those who manage none)."""
    require(actor, "instrument.manage")
    return restrict(actor, "instrument.manage", TestOrder.objects.all(), organization_field="instrument__owner_id")


def testorders_of_staff(
    *, actor: Any, status: str = "", cursor: str | None = None, limit: int | None = None
) -> Page[TestOrder]:
    return _page(_with_status(testorders_of_staff_qs(actor=actor), status), cursor, limit)


def status_counts(qs: QuerySet[TestOrder]) -> dict[str, int]:
    """{status: number of orders} of a list, for its filter tabs (one query)."""
    return dict(qs.order_by().values_list("status").annotate(n=Count("id")))
