"""Shared by the testing-order page tests: an SEM with one service item, the people of every role
around an order, an order brought to any state through the services, URL and audit helpers."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from nesta.core.models import AuditLog
from nesta.instruments import services
from nesta.instruments.models import TestOrder as Order
from tests.factories import InstrumentFactory, UserFactory, grant

S = Order.Status
PDF = b"%PDF-1.4 SEM report body"
ROLES = ("customer", "colleague", "manager", "other_manager", "customer_admin", "office", "anonymous")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def manager(users):
    return users["instrument_manager"]


@pytest.fixture
def sem(org_ln, manager):
    """org_ln's microscope (open to other organisations), managed by the instrument manager."""
    instrument = InstrumentFactory(owner=org_ln, name="场发射扫描电镜")
    instrument.managers.add(manager)
    return instrument


def make_item(instrument, actor, name="SEM 形貌观察（每样）", internal="150", external="300.00", unit="sample"):
    return services.service_item_create(
        actor=actor,
        instrument_id=instrument.pk,
        data={"name": name, "unit": unit, "internal_price": internal, "external_price": external},
    )


@pytest.fixture
def item(sem, manager):
    return make_item(sem, manager)


@pytest.fixture
def people(users, manager, org_jl):
    """Everyone the matrix asks about; the customer is a member of org_jl (an outside user of org_ln)."""
    return {
        "customer": grant(UserFactory(username="w_customer", organization=org_jl), "member", organization=org_jl),
        "colleague": grant(UserFactory(username="w_colleague", organization=org_jl), "member", organization=org_jl),
        "manager": manager,
        "other_manager": grant(
            UserFactory(username="w_jl_manager", organization=org_jl), "instrument_manager", organization=org_jl
        ),
        "customer_admin": grant(
            UserFactory(username="w_jl_admin", organization=org_jl), "org_admin", organization=org_jl
        ),
        "office": users["office"],
    }


def client_of(people, role) -> Client:
    c = Client()
    if role != "anonymous":
        c.force_login(people[role])
    return c


def report_file(name="SEM检测报告.pdf", body=PDF):
    return SimpleUploadedFile(name, body, content_type="application/pdf")


def order_in(state, item, people) -> Order:
    """An order brought to `state` through the services."""
    customer, manager = people["customer"], people["manager"]
    order = services.testorder_submit(actor=customer, service_id=item.pk, quantity="2", sample_description="断口3个")
    steps = [
        (S.QUOTED, lambda: services.testorder_quote(actor=manager, order_id=order.pk, amount="550.00", note="含制样")),
        (S.CONFIRMED, lambda: services.testorder_confirm(actor=customer, order_id=order.pk)),
        (S.RECEIVED, lambda: services.testorder_receive(actor=manager, order_id=order.pk)),
        (S.TESTING, lambda: services.testorder_start(actor=manager, order_id=order.pk)),
        (S.REPORTED, lambda: services.testorder_report(actor=manager, order_id=order.pk, file=report_file())),
        (S.SETTLED, lambda: services.testorder_settle(actor=manager, order_id=order.pk)),
    ]
    if state == S.CANCELLED:
        services.testorder_cancel(actor=customer, order_id=order.pk)
    else:
        for reached, step in steps:
            if order.status == state:
                break
            step()
            order.refresh_from_db()
            assert order.status == reached
    order.refresh_from_db()
    assert order.status == state
    return order


def detail_url(order) -> str:
    return f"/instruments/orders/{order.pk}/"


def step_url(order, step) -> str:
    return f"/instruments/orders/{order.pk}/{step}/"


def is_login_redirect(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def order_audits(order):
    return list(AuditLog.objects.filter(object_type="instruments.testorder", object_id=str(order.pk)).order_by("id"))


def shown_actions(html: str) -> set[str]:
    steps = ("quote", "confirm", "receive", "start", "report", "settle", "cancel")
    return {s for s in steps if f'data-testid="action-{s}"' in html}


def post_step(client, order, step):
    data = {"quote": {"amount": "480.00", "note": ""}, "upload-report": {"file": report_file()}}.get(step, {})
    return client.post(step_url(order, step), data)
