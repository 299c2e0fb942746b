"""Testing orders (分析测试): the catalogue, every transition, every wrong-state transition, the
permission matrix, notifications, the report file and the charge of a settled order."""

from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from nesta.core.errors import Conflict, NotAuthenticated, NotFound, PermissionDenied, ValidationFailed
from nesta.core.models import AuditLog, Notification
from nesta.instruments import services
from nesta.instruments.lifecycles import TESTORDER
from nesta.instruments.models import Charge, ServiceItem
from nesta.instruments.models import TestOrder as Order
from nesta.instruments.selectors import orders as order_selectors
from nesta.instruments.selectors.fees import fee_statement
from nesta.instruments.selectors.orders import may_view_order, service_items_of
from tests.factories import InstrumentFactory, UserFactory, grant

S = Order.Status


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def manager(users):
    user = users["instrument_manager"]
    user.email = "manager@example.cn"
    user.save()
    return user


@pytest.fixture
def sem(org_ln, manager):
    instrument = InstrumentFactory(owner=org_ln, name="场发射扫描电镜")
    instrument.managers.add(manager)
    return instrument


@pytest.fixture
def item(sem, manager):
    return services.service_item_create(
        actor=manager,
        instrument_id=sem.pk,
        data={
            "name": "SEM 形貌观察（每样）",
            "unit": "sample",
            "internal_price": "150",
            "external_price": "300.00",
            "description": "二次电子像，最多10张",
        },
    )


@pytest.fixture
def customer(org_jl):
    user = UserFactory(username="o_customer", email="customer@example.cn", organization=org_jl)
    return grant(user, "member", organization=org_jl)


@pytest.fixture
def people(users, manager, customer, org_jl):
    """Everyone the matrix asks about."""
    colleague = grant(UserFactory(username="o_colleague", organization=org_jl), "member", organization=org_jl)
    jl_admin = grant(UserFactory(username="o_jl_admin", organization=org_jl), "org_admin", organization=org_jl)
    jl_manager = grant(
        UserFactory(username="o_jl_manager", organization=org_jl), "instrument_manager", organization=org_jl
    )
    return {
        "customer": customer,
        "colleague": colleague,
        "customer_admin": jl_admin,
        "other_manager": jl_manager,
        "manager": manager,
        "owner_admin": users["org_admin"],
        "office": users["office"],
        "province": users["province"],
        "anonymous": AnonymousUser(),
    }


def report_file(name="报告.pdf", content=b"%PDF-1.4 test report"):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def submit(customer, item, quantity="2"):
    return services.testorder_submit(actor=customer, service_id=item.pk, quantity=quantity, sample_description="钢样")


STEPS = {
    "quote": lambda actor, order: services.testorder_quote(actor=actor, order_id=order.pk, amount="550.00"),
    "confirm": lambda actor, order: services.testorder_confirm(actor=actor, order_id=order.pk),
    "receive": lambda actor, order: services.testorder_receive(actor=actor, order_id=order.pk),
    "start": lambda actor, order: services.testorder_start(actor=actor, order_id=order.pk),
    "report": lambda actor, order: services.testorder_report(actor=actor, order_id=order.pk, file=report_file()),
    "settle": lambda actor, order: services.testorder_settle(actor=actor, order_id=order.pk),
    "cancel": lambda actor, order: services.testorder_cancel(actor=actor, order_id=order.pk),
}
ALLOWED_FROM = {
    "quote": {S.SUBMITTED, S.QUOTED},
    "confirm": {S.QUOTED},
    "receive": {S.CONFIRMED},
    "start": {S.RECEIVED},
    "report": {S.TESTING},
    "settle": {S.REPORTED},
    "cancel": {S.SUBMITTED, S.QUOTED, S.CONFIRMED},
}
PATH = [S.SUBMITTED, S.QUOTED, S.CONFIRMED, S.RECEIVED, S.TESTING, S.REPORTED, S.SETTLED]
STEP_INTO = {S.QUOTED: "quote", S.CONFIRMED: "confirm", S.RECEIVED: "receive", S.TESTING: "start"}
STEP_INTO |= {S.REPORTED: "report", S.SETTLED: "settle"}


def order_in(state, *, customer, manager, item) -> Order:
    """A fresh order brought to `state` through the services."""
    order = submit(customer, item)
    if state == S.CANCELLED:
        return services.testorder_cancel(actor=customer, order_id=order.pk)
    for target in PATH[1 : PATH.index(state) + 1]:
        step = STEP_INTO[target]
        STEPS[step](customer if step == "confirm" else manager, order)
    order.refresh_from_db()
    assert order.status == state
    return order


# --- the catalogue -----------------------------------------------------------------------------


def test_catalogue_entry_is_created_and_audited(item, sem, manager):
    assert (item.instrument_id, item.unit, item.internal_price, item.external_price, item.active) == (
        sem.pk,
        "sample",
        Decimal("150.00"),
        Decimal("300.00"),
        True,
    )
    log = AuditLog.objects.get(object_type="instruments.serviceitem", object_id=str(item.pk))
    assert (log.action, log.actor_id, log.changes["name"]) == ("create", manager.pk, [None, "SEM 形貌观察（每样）"])
    assert list(service_items_of(instrument_id=sem.pk)) == [item]


@pytest.mark.parametrize("who", ["member", "province", "expert"])
def test_only_the_instruments_staff_add_catalogue_entries(sem, users, who):
    with pytest.raises(PermissionDenied):
        services.service_item_create(
            actor=users[who], instrument_id=sem.pk, data={"name": "x", "internal_price": 1, "external_price": 2}
        )


@pytest.mark.parametrize(
    "data,field",
    [
        ({"name": "x", "internal_price": "-1", "external_price": "1"}, "internal_price"),
        ({"name": "x", "internal_price": "1.234", "external_price": "1"}, "internal_price"),
        ({"name": "x", "internal_price": "1"}, "external_price"),
        ({"name": "", "internal_price": "1", "external_price": "1"}, "name"),
        ({"name": "x", "unit": "day", "internal_price": "1", "external_price": "1"}, "unit"),
        ({"name": "x", "internal_price": "1", "external_price": "1", "colour": "red"}, "colour"),
    ],
)
def test_catalogue_validation(sem, manager, data, field):
    with pytest.raises(ValidationFailed) as exc:
        services.service_item_create(actor=manager, instrument_id=sem.pk, data=data)
    assert field in exc.value.details
    assert not ServiceItem.objects.exists()


def test_deactivated_entries_leave_the_public_catalogue_and_take_no_orders(item, sem, manager, customer):
    services.service_item_update(actor=manager, item_id=item.pk, data={"active": False, "external_price": "320"})
    assert list(service_items_of(instrument_id=sem.pk)) == []
    assert list(service_items_of(instrument_id=sem.pk, include_inactive=True)) == [item]
    log = AuditLog.objects.filter(object_type="instruments.serviceitem", action="update").get()
    assert log.changes == {"active": ["True", "False"], "external_price": ["300.00", "320.00"]}
    with pytest.raises(Conflict) as exc:
        submit(customer, item)
    assert exc.value.code == "service_inactive"


# --- submit ----------------------------------------------------------------------------------


def test_submit_prices_an_external_customer_at_the_external_rate(item, customer, manager, org_jl):
    with pytest.raises(NotFound):
        services.testorder_submit(actor=customer, service_id=10**6, quantity=1)
    order = submit(customer, item, quantity="2.5")
    assert (order.status, order.is_external, order.organization_id, order.customer_id) == (
        S.SUBMITTED,
        True,
        org_jl.pk,
        customer.pk,
    )
    assert (order.quantity, order.unit_price, order.list_amount, order.quoted_amount) == (
        Decimal("2.50"),
        Decimal("300.00"),
        Decimal("750.00"),
        None,
    )
    log = AuditLog.objects.get(object_type="instruments.testorder", object_id=str(order.pk))
    assert (log.action, log.actor_id, log.changes["status"]) == (
        "testorder.submitted",
        customer.pk,
        [None, "submitted"],
    )
    assert list(Notification.objects.values_list("user_id", "kind")) == [(manager.pk, "testorder_submitted")]


def test_submit_prices_a_colleague_of_the_owner_internally(item, users):
    order = submit(users["member"], item, quantity="3")
    assert (order.is_external, order.unit_price, order.list_amount) == (False, Decimal("150.00"), Decimal("450.00"))


def test_mail_leaves_only_after_commit(item, customer, manager, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        submit(customer, item)
    assert mail.outbox == []
    for callback in callbacks:
        callback()
    assert [m.to for m in mail.outbox] == [["manager@example.cn"]]
    assert mail.outbox[0].subject == "新的测试订单：SEM 形貌观察（每样）"


@pytest.mark.parametrize("quantity", ["0", "-1", "1.234", "abc", "100000000"])
def test_submit_validates_quantity(item, customer, quantity):
    with pytest.raises(ValidationFailed) as exc:
        submit(customer, item, quantity=quantity)
    assert list(exc.value.details) == ["quantity"]
    assert not Order.objects.exists()


def test_closed_instrument_takes_orders_from_its_own_staff_only(item, sem, customer, users):
    sem.is_open = False
    sem.save()
    with pytest.raises(Conflict) as exc:
        submit(customer, item)
    assert exc.value.code == "not_open"
    assert submit(users["member"], item).is_external is False


def test_retired_instrument_takes_no_orders(item, sem, users):
    sem.status = "retired"
    sem.save()
    with pytest.raises(Conflict) as exc:
        submit(users["member"], item)
    assert exc.value.code == "instrument_retired"


def test_anonymous_cannot_submit(item):
    with pytest.raises(NotAuthenticated):
        submit(AnonymousUser(), item)


# --- the whole way through -------------------------------------------------------------------


def test_every_transition_in_order(item, customer, manager, media, org_jl, users):
    order = submit(customer, item)
    trail = []

    def step(name, actor, status, notified, kind):
        Notification.objects.all().delete()
        result = STEPS[name](actor, order)
        assert result.status == status
        assert list(Notification.objects.values_list("user_id", "kind")) == [(notified.pk, kind)]
        trail.append(status)
        return result

    quoted = step("quote", manager, S.QUOTED, customer, "testorder_quoted")
    assert (quoted.quoted_amount, quoted.quoted_at is not None) == (Decimal("550.00"), True)
    step("confirm", customer, S.CONFIRMED, manager, "testorder_confirmed")
    step("receive", manager, S.RECEIVED, customer, "testorder_received")
    step("start", manager, S.TESTING, customer, "testorder_testing")
    reported = step("report", manager, S.REPORTED, customer, "testorder_reported")
    assert reported.report_name == "报告.pdf"
    assert reported.report.name.startswith(f"orders/reports/{order.pk}/") and reported.report.name.endswith(".pdf")
    with reported.report.open("rb") as fh:
        assert fh.read() == b"%PDF-1.4 test report"
    assert (media / reported.report.name).is_file()
    settled = step("settle", manager, S.SETTLED, customer, "testorder_settled")

    order.refresh_from_db()
    assert all(
        getattr(order, f) is not None
        for f in ("quoted_at", "confirmed_at", "received_at", "testing_at", "reported_at", "settled_at")
    )
    assert order.cancelled_at is None
    logs = AuditLog.objects.filter(object_type="instruments.testorder", object_id=str(order.pk)).order_by("id")
    assert [log.changes["status"] for log in logs] == [
        [None, "submitted"],
        ["submitted", "quoted"],
        ["quoted", "confirmed"],
        ["confirmed", "received"],
        ["received", "testing"],
        ["testing", "reported"],
        ["reported", "settled"],
    ]
    assert [log.actor_id for log in logs] == [customer.pk, manager.pk, customer.pk] + [manager.pk] * 4
    assert [log.action for log in logs] == [
        "testorder.submitted",
        "testorder.quoted",
        "testorder.confirmed",
        "testorder.received",
        "testorder.started",
        "testorder.reported",
        "testorder.settled",
    ]
    assert logs[1].changes["quoted_amount"] == [None, "550.00"]

    charge = Charge.objects.get(order=order)
    assert (charge.kind, charge.amount, charge.rate, charge.quantity, charge.unit) == (
        "order",
        Decimal("550.00"),  # the quote, not the list price of 600.00
        Decimal("550.00"),
        Decimal("1.00"),
        "order",
    )
    assert (charge.is_external, charge.organization_id, charge.user_id, charge.instrument_id) == (
        True,
        org_jl.pk,
        customer.pk,
        order.instrument_id,
    )
    assert charge.occurred_at == settled.settled_at
    assert charge.description == "SEM 形貌观察（每样） ×2样"
    assert AuditLog.objects.filter(object_type="instruments.charge", object_id=str(charge.pk)).exists()

    # the settled order is a line of the customer organisation's monthly statement
    when = timezone.localtime(charge.occurred_at, ZoneInfo("Asia/Shanghai"))
    st = fee_statement(actor=users["office"], organization_id=org_jl.pk, year=when.year, month=when.month)
    assert [(r.order_id, r.item, r.quantity, r.unit, r.rate, r.amount) for r in st.rows] == [
        (order.pk, "SEM 形貌观察（每样） ×2样", Decimal("1.00"), "单", Decimal("550.00"), Decimal("550.00"))
    ]
    assert (st.total_external, st.total_internal) == (Decimal("550.00"), Decimal("0.00"))


def test_requote_before_confirmation(item, customer, manager):
    order = submit(customer, item)
    services.testorder_quote(actor=manager, order_id=order.pk, amount="600", note="按标准价")
    order = services.testorder_quote(actor=manager, order_id=order.pk, amount="480.5", note="老客户优惠")
    assert (order.status, order.quoted_amount, order.quote_note) == (S.QUOTED, Decimal("480.50"), "老客户优惠")
    last = AuditLog.objects.filter(object_type="instruments.testorder").order_by("-id").first()
    assert last.changes["status"] == ["quoted", "quoted"]
    assert last.changes["quoted_amount"] == ["600.00", "480.50"]


@pytest.mark.parametrize("amount", ["-0.01", "1.001", "NaN", "1e20", "x"])
def test_quote_validates_amount(item, customer, manager, amount):
    order = submit(customer, item)
    with pytest.raises(ValidationFailed) as exc:
        services.testorder_quote(actor=manager, order_id=order.pk, amount=amount)
    assert list(exc.value.details) == ["amount"]
    order.refresh_from_db()
    assert order.status == S.SUBMITTED


@pytest.mark.parametrize("state", [S.SUBMITTED, S.QUOTED, S.CONFIRMED])
def test_customer_cancels_before_the_samples_are_received(item, customer, manager, state):
    order = order_in(state, customer=customer, manager=manager, item=item)
    Notification.objects.all().delete()
    order = services.testorder_cancel(actor=customer, order_id=order.pk)
    assert (order.status, order.cancelled_at is not None) == (S.CANCELLED, True)
    assert list(Notification.objects.values_list("user_id", "kind")) == [(manager.pk, "testorder_cancelled")]
    assert not Charge.objects.exists()


# --- wrong states ------------------------------------------------------------------------------

WRONG = [
    pytest.param(step, state, id=f"{step}-from-{state}")
    for step in STEPS
    for state in [*PATH, S.CANCELLED]
    if state not in ALLOWED_FROM[step]
]


@pytest.mark.parametrize("step,state", WRONG)
def test_wrong_state_is_a_conflict(item, customer, manager, step, state):
    order = order_in(state, customer=customer, manager=manager, item=item)
    audits = AuditLog.objects.count()
    actor = customer if step in ("confirm", "cancel") else manager
    with pytest.raises(Conflict) as exc:
        STEPS[step](actor, order)
    assert (exc.value.code, exc.value.status, exc.value.details["status"]) == ("invalid_state", 409, state)
    # the 409 names the states the step starts from, from the order's transition table
    assert exc.value.details["allowed"] == list(TESTORDER.transition(step).sources)
    order.refresh_from_db()
    assert order.status == state
    assert AuditLog.objects.count() == audits


def test_there_are_46_wrong_state_cases():
    assert len(WRONG) == 7 * 8 - sum(len(v) for v in ALLOWED_FROM.values()) == 46


def test_unknown_order_is_not_found(manager):
    with pytest.raises(NotFound):
        services.testorder_receive(actor=manager, order_id=10**6)


# --- who may do what -------------------------------------------------------------------------

STAFF = {"manager", "owner_admin", "office"}
ACTORS = ["customer", "colleague", "customer_admin", "other_manager", "manager", "owner_admin", "office", "province"]
MATRIX = {
    "quote": STAFF,
    "confirm": {"customer"},
    "receive": STAFF,
    "start": STAFF,
    "report": STAFF,
    "settle": STAFF,
    "cancel": {"customer"},
}
FROM_STATE = {"quote": S.SUBMITTED, "confirm": S.QUOTED, "receive": S.CONFIRMED, "start": S.RECEIVED}
FROM_STATE |= {"report": S.TESTING, "settle": S.REPORTED, "cancel": S.SUBMITTED}


@pytest.mark.parametrize(
    "step,who", [pytest.param(step, who, id=f"{step}-{who}") for step in STEPS for who in [*ACTORS, "anonymous"]]
)
def test_transition_permission_matrix(item, customer, manager, people, step, who):
    order = order_in(FROM_STATE[step], customer=customer, manager=manager, item=item)
    actor = people[who]
    if who in MATRIX[step]:
        STEPS[step](actor, order)
        order.refresh_from_db()
        assert order.status != FROM_STATE[step]
    else:
        with pytest.raises(NotAuthenticated if who == "anonymous" else PermissionDenied):
            STEPS[step](actor, order)
        order.refresh_from_db()
        assert order.status == FROM_STATE[step]


VIEWERS = {"customer", "customer_admin", "manager", "owner_admin", "office"}


@pytest.mark.parametrize("who", [*ACTORS, "anonymous"])
def test_view_permission_matrix(item, customer, manager, people, who):
    order = submit(customer, item)
    actor = people[who]
    assert may_view_order(actor, order) is (who in VIEWERS)
    if who in VIEWERS:
        assert order_selectors.testorder_get(actor=actor, order_id=order.pk) == order
    else:
        with pytest.raises(NotAuthenticated if who == "anonymous" else PermissionDenied):
            order_selectors.testorder_get(actor=actor, order_id=order.pk)


def test_staff_without_named_managers_are_the_owners_admins(org_ln, users, customer):
    bare = InstrumentFactory(owner=org_ln)  # nobody named as manager
    bare_item = ServiceItem.objects.create(instrument=bare, name="XRD 物相分析", internal_price=1, external_price=2)
    submit(customer, bare_item)
    assert list(Notification.objects.values_list("user_id", "kind")) == [(users["org_admin"].pk, "testorder_submitted")]


# --- the report file ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "file,message_field",
    [
        (report_file("report.exe", b"MZ"), "file"),
        (report_file("report", b"data"), "file"),
        (report_file("report.pdf", b""), "file"),
        (None, "file"),
    ],
)
def test_report_file_is_checked(item, customer, manager, file, message_field, media):
    order = order_in(S.TESTING, customer=customer, manager=manager, item=item)
    with pytest.raises(ValidationFailed) as exc:
        services.testorder_report(actor=manager, order_id=order.pk, file=file)
    assert list(exc.value.details) == [message_field]
    order.refresh_from_db()
    assert (order.status, order.report.name) == (S.TESTING, "")


def test_report_name_is_made_safe(item, customer, manager):
    order = order_in(S.TESTING, customer=customer, manager=manager, item=item)
    order = services.testorder_report(actor=manager, order_id=order.pk, file=report_file("../../etc/检测 报告.PDF"))
    assert order.report_name == "检测_报告.pdf"
    assert order.report.name.startswith(f"orders/reports/{order.pk}/")
    assert order.report.name.endswith(".pdf")


def test_a_report_step_that_fails_after_the_file_is_written_leaves_no_file(item, customer, manager, media, monkeypatch):
    order = order_in(S.TESTING, customer=customer, manager=manager, item=item)

    def fail(*args, **kwargs):
        raise RuntimeError("notification store down")

    monkeypatch.setattr("nesta.instruments.lifecycles.orders.notify_order", fail)  # the step's notification
    with pytest.raises(RuntimeError):
        services.testorder_report(actor=manager, order_id=order.pk, file=report_file("报告.pdf"))
    order.refresh_from_db()
    assert (order.status, order.report.name) == (S.TESTING, "")
    reports = media / "orders" / "reports" / str(order.pk)
    assert not reports.exists() or list(reports.iterdir()) == []
