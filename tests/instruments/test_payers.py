"""Payer accounts: who manages them, and the rules a booking or an order charged to one must keep
(organisation, active, validity, spending limit with spent + committed)."""

from datetime import timedelta
from decimal import Decimal

import pytest

from nesta.core.audit import AuditLog
from nesta.core.errors import NotFound, PermissionDenied, ValidationFailed
from nesta.instruments.models import Booking, Charge, PayerAccount, ServiceItem
from nesta.instruments.selectors.quote import booking_quote
from nesta.instruments.services import (
    booking_cancel,
    booking_check_in,
    booking_check_out,
    booking_create,
    booking_create_weekly,
    booking_move,
)
from nesta.instruments.services import orders as order_services
from nesta.instruments.services.payers import (
    account_usage,
    booking_estimates,
    payer_account_create,
    payer_account_deactivate,
    payer_account_update,
)
from tests.factories import UserFactory, grant
from tests.instruments.conftest import NOW, at

pytestmark = pytest.mark.django_db


def _account(org, **kw):
    values = {"code": "KJ-2026-001", "name": "国家重点研发计划课题", **kw}
    return PayerAccount.objects.create(organization=org, **values)


def _book(user, instrument, day, h1, h2, account, **kw):
    return booking_create(
        actor=user,
        instrument_id=instrument.pk,
        start=at(day, h1),
        end=at(day, h2),
        now=NOW,
        account_id=account.pk if account else None,
        **kw,
    ).booking


# --- managing accounts -----------------------------------------------------------------------


def test_org_admin_creates_an_account_audited(users, org_ln):
    admin = users["org_admin"]
    account = payer_account_create(
        actor=admin,
        organization_id=org_ln.pk,
        data={
            "code": " 0012345678 ",
            "name": "材料学院经费卡",
            "spending_limit": "5000.50",
            "holder": users["member"].pk,
        },
    )
    assert account.code == "0012345678"
    assert account.spending_limit == Decimal("5000.50")
    assert account.holder == users["member"]
    row = AuditLog.objects.get(action="payer_account.created")
    assert row.changes["code"] == [None, "0012345678"]


@pytest.mark.parametrize("role", ["province", "instrument_manager", "expert", "member"])
def test_only_the_admin_and_office_manage(users, org_ln, role):
    with pytest.raises(PermissionDenied):
        payer_account_create(actor=users[role], organization_id=org_ln.pk, data={"code": "X1", "name": "n"})


def test_admin_of_another_organisation_is_refused(users, org_jl):
    with pytest.raises(PermissionDenied):
        payer_account_create(actor=users["org_admin"], organization_id=org_jl.pk, data={"code": "X1", "name": "n"})


def test_office_manages_any(users, org_jl):
    account = payer_account_create(actor=users["office"], organization_id=org_jl.pk, data={"code": "J1", "name": "n"})
    assert account.organization == org_jl


@pytest.mark.parametrize(
    "data,field",
    [
        ({"code": "", "name": "n"}, "code"),
        ({"code": "a\x00b", "name": "n"}, "code"),
        ({"code": "x" * 41, "name": "n"}, "code"),
        ({"code": "c", "name": "n", "spending_limit": "-1"}, "spending_limit"),
        ({"code": "c", "name": "n", "spending_limit": "1.234"}, "spending_limit"),
        ({"code": "c", "name": "n", "spending_limit": "1e20"}, "spending_limit"),
        ({"code": "c", "name": "n", "valid_from": "1900-01-01"}, "valid_from"),
        ({"code": "c", "name": "n", "valid_from": "2026-12-01", "valid_until": "2026-11-01"}, "valid_until"),
        ({"code": "c", "name": "n", "kind": "bank"}, "kind"),
        ({"code": "c", "name": "n", "holder": 10**12}, "holder"),
        ({"code": "c", "name": "n", "colour": "red"}, "colour"),
    ],
)
def test_bounded_inputs(users, org_ln, data, field):
    with pytest.raises(ValidationFailed) as exc:
        payer_account_create(actor=users["org_admin"], organization_id=org_ln.pk, data=data)
    assert field in exc.value.details
    assert not PayerAccount.objects.exists()


def test_holder_must_be_of_the_organisation(users, org_ln, outsider):
    with pytest.raises(ValidationFailed) as exc:
        payer_account_create(
            actor=users["org_admin"], organization_id=org_ln.pk, data={"code": "c", "name": "n", "holder": outsider.pk}
        )
    assert "holder" in exc.value.details


def test_duplicate_code_in_one_organisation(users, org_ln, org_jl):
    _account(org_ln, code="A1")
    _account(org_jl, code="A1")  # another organisation may use the same number
    with pytest.raises(ValidationFailed) as exc:
        payer_account_create(actor=users["org_admin"], organization_id=org_ln.pk, data={"code": "A1", "name": "n"})
    assert exc.value.code == "duplicate_code"


def test_update_and_deactivate_are_audited(users, org_ln):
    account = _account(org_ln)
    payer_account_update(actor=users["org_admin"], account_id=account.pk, data={"spending_limit": "100"})
    payer_account_deactivate(actor=users["org_admin"], account_id=account.pk)
    account.refresh_from_db()
    assert account.spending_limit == Decimal("100.00") and not account.is_active
    events = list(AuditLog.objects.order_by("id").values_list("action", flat=True))
    assert events[-2:] == ["payer_account.updated", "payer_account.deactivated"]


def test_update_by_other_admin_refused_and_missing_404(users, org_jl):
    account = _account(org_jl)
    with pytest.raises(PermissionDenied):
        payer_account_update(actor=users["org_admin"], account_id=account.pk, data={"name": "x"})
    with pytest.raises(NotFound):
        payer_account_update(actor=users["org_admin"], account_id=999999, data={"name": "x"})


# --- booking against an account --------------------------------------------------------------


def test_booking_is_charged_to_the_account(users, sem, org_ln):
    account = _account(org_ln)
    booking = _book(users["member"], sem, 1, 9, 11, account)
    assert booking.account == account
    assert AuditLog.objects.get(action="booking.created").changes["account"] == [None, str(account)]


def test_no_account_is_allowed(users, sem):
    assert _book(users["member"], sem, 1, 9, 11, None).account is None


def test_account_of_another_organisation_is_invalid(users, sem, org_jl):
    account = _account(org_jl)
    with pytest.raises(ValidationFailed) as exc:
        _book(users["member"], sem, 1, 9, 11, account)
    assert exc.value.code == "account_invalid"
    assert not Booking.objects.exists()


def test_unknown_account_is_invalid(users, sem):
    with pytest.raises(ValidationFailed) as exc:
        booking_create(
            actor=users["member"], instrument_id=sem.pk, start=at(1, 9), end=at(1, 10), now=NOW, account_id=2**31 - 1
        )
    assert exc.value.code == "account_invalid"


def test_inactive_account_refused(users, sem, org_ln):
    account = _account(org_ln, is_active=False)
    with pytest.raises(ValidationFailed) as exc:
        _book(users["member"], sem, 1, 9, 11, account)
    assert exc.value.code == "account_inactive"


def test_validity_is_the_bookings_local_date(users, sem, org_ln):
    day = at(1, 9).date()
    account = _account(org_ln, valid_until=day - timedelta(days=1))
    with pytest.raises(ValidationFailed) as exc:
        _book(users["member"], sem, 1, 9, 11, account)
    assert exc.value.code == "account_expired"
    account.valid_until, account.valid_from = None, day + timedelta(days=1)
    account.save()
    with pytest.raises(ValidationFailed) as exc:
        _book(users["member"], sem, 1, 9, 11, account)
    assert exc.value.code == "account_expired"
    account.valid_from, account.valid_until = day, day
    account.save()
    assert _book(users["member"], sem, 1, 9, 11, account).account == account


def test_on_behalf_uses_the_booked_users_organisation(users, sem, org_ln, outsider, org_jl):
    """The manager books for an outsider: the outsider's organisation's account, not the manager's."""
    mine = _account(org_ln, code="LN")
    theirs = _account(org_jl, code="JL")
    manager = users["instrument_manager"]
    with pytest.raises(ValidationFailed) as exc:
        _book(manager, sem, 1, 9, 11, mine, on_behalf_of=outsider.pk)
    assert exc.value.code == "account_invalid"
    assert _book(manager, sem, 1, 9, 11, theirs, on_behalf_of=outsider.pk).account == theirs


def test_limit_counts_committed_bookings(users, sem, org_ln):
    # internal rate 200 元/h: 2 h = 400 元
    account = _account(org_ln, spending_limit=Decimal("1000"))
    _book(users["member"], sem, 1, 9, 11, account)
    _book(users["member"], sem, 2, 9, 11, account)
    assert account_usage(account.pk).committed == Decimal("800.00")
    with pytest.raises(ValidationFailed) as exc:
        _book(users["member"], sem, 3, 9, 11, account)
    err = exc.value
    assert err.code == "account_limit_exceeded"
    assert err.details["limit"] == "1000.00" and err.details["committed"] == "800.00"
    assert err.details["amount"] == "400.00" and err.details["remaining"] == "200.00"
    assert "KJ-2026-001" in str(err.message) and "1000" in str(err.message)
    _book(users["member"], sem, 3, 9, 10, account)  # 200 元 fits exactly


def test_limit_counts_spent_charges_and_cancelled_frees(users, sem, org_ln):
    account = _account(org_ln, spending_limit=Decimal("500"))
    b = _book(users["member"], sem, 1, 9, 11, account)
    booking_cancel(actor=users["member"], booking_id=b.pk, now=NOW)
    assert account_usage(account.pk).committed == 0
    Charge.objects.create(
        instrument=sem,
        organization=org_ln,
        user=users["member"],
        kind="usage_hours",
        account=account,
        occurred_at=NOW,
        quantity=1,
        unit="hour",
        rate=200,
        amount=Decimal("200"),
    )
    with pytest.raises(ValidationFailed) as exc:
        _book(users["member"], sem, 2, 9, 11, account)  # 200 spent + 400 > 500
    assert exc.value.details["spent"] == "200.00"


def test_used_booking_turns_committed_into_spent(users, sem, org_ln):
    account = _account(org_ln)
    b = _book(users["member"], sem, 0, 9, 11, account)
    booking_check_in(actor=users["member"], booking_id=b.pk, now=at(0, 9))
    booking_check_out(actor=users["member"], booking_id=b.pk, now=at(0, 10))
    charge = Charge.objects.get(usage_session__booking=b)
    assert charge.account == account
    usage = account_usage(account.pk)
    assert usage.spent == Decimal("200.00") and usage.committed == 0


def test_move_excludes_its_own_estimate(users, sem, org_ln):
    account = _account(org_ln, spending_limit=Decimal("600"))
    b = _book(users["member"], sem, 1, 9, 11, account)  # 400
    moved = booking_move(actor=users["member"], booking_id=b.pk, start=at(1, 12), end=at(1, 15), now=NOW)  # 600
    assert moved.end == at(1, 15)
    with pytest.raises(ValidationFailed) as exc:  # 4 h = 800 > 600
        booking_move(actor=users["member"], booking_id=b.pk, start=at(1, 12), end=at(1, 16), now=NOW)
    assert exc.value.code == "account_limit_exceeded"
    b.refresh_from_db()
    assert b.end == at(1, 15)


def test_weekly_series_stops_at_the_limit(users, sem, org_ln):
    account = _account(org_ln, spending_limit=Decimal("1000"))
    result = booking_create_weekly(
        actor=users["member"],
        instrument_id=sem.pk,
        start=at(1, 9),
        end=at(1, 11),
        weeks=4,
        now=NOW,
        account_id=account.pk,
    )
    assert len(result.created) == 2
    assert {s["code"] for s in result.skipped} == {"account_limit_exceeded"}


def test_estimates_match_the_quote(users, sem, org_ln, outsider):
    """The aggregated SQL estimate equals booking_quote's amount, booking by booking."""
    sem.internal_hourly_rate, sem.external_hourly_rate = Decimal("123.45"), Decimal("333.33")
    sem.save()
    lengths = [(1, 9, 0, 10, 7), (2, 9, 0, 9, 50), (3, 13, 0, 14, 7), (4, 9, 0, 10, 7)]
    expected = Decimal(0)
    for day, h1, m1, h2, m2 in lengths:
        start, end = at(day, h1, m1), at(day, h2, m2)
        Booking.objects.create(instrument=sem, user=users["member"], organization=org_ln, start=start, end=end)
        expected += booking_quote(users["member"], sem, start, end, now=NOW).amount
    start, end = at(5, 9), at(5, 10, 20)
    Booking.objects.create(instrument=sem, user=outsider, start=start, end=end, is_external=True)
    expected += booking_quote(outsider, sem, start, end, now=NOW).amount
    assert booking_estimates(Booking.objects.all()) == expected


# --- orders ---------------------------------------------------------------------------------


@pytest.fixture
def service(sem):
    return ServiceItem.objects.create(instrument=sem, name="形貌观察", internal_price=100, external_price=300)


def test_order_checks_the_limit_and_quote_rechecks(users, sem, org_ln, service):
    account = _account(org_ln, spending_limit=Decimal("500"))
    order = order_services.testorder_submit(
        actor=users["member"], service_id=service.pk, quantity=3, account_id=account.pk
    )
    assert order.account == account
    assert account_usage(account.pk).committed == Decimal("300.00")
    with pytest.raises(ValidationFailed) as exc:  # 300 + 300 > 500
        order_services.testorder_submit(actor=users["member"], service_id=service.pk, quantity=3, account_id=account.pk)
    assert exc.value.code == "account_limit_exceeded"
    manager = users["instrument_manager"]
    order_services.testorder_quote(actor=manager, order_id=order.pk, amount="450")  # its own list amount left out
    with pytest.raises(ValidationFailed) as exc:
        order_services.testorder_quote(actor=manager, order_id=order.pk, amount="600")
    assert exc.value.code == "account_limit_exceeded"
    order.refresh_from_db()
    assert order.quoted_amount == Decimal("450.00")
    assert account_usage(account.pk).committed == Decimal("450.00")


def test_order_with_foreign_account_refused(users, org_jl, service):
    with pytest.raises(ValidationFailed) as exc:
        order_services.testorder_submit(
            actor=users["member"], service_id=service.pk, quantity=1, account_id=_account(org_jl).pk
        )
    assert exc.value.code == "account_invalid"


def test_account_of_a_second_org_member(users, sem, org_ln):
    """Any member of the organisation may charge to its accounts (not only the holder)."""
    other = grant(UserFactory(username="t_colleague", organization=org_ln), "member", organization=org_ln)
    account = _account(org_ln, holder=users["member"])
    assert _book(other, sem, 1, 9, 10, account).account == account


# --- who sees an account (account.view) and who manages it (account.manage) -----------------

VIEW = {"office": True, "province": True, "org_admin": True, "instrument_manager": False, "expert": False}
MANAGE = {"office": True, "province": False, "org_admin": True, "instrument_manager": False, "expert": False}


@pytest.mark.parametrize("role", sorted(VIEW))
def test_view_and_manage_matrix(users, org_ln, role):
    from nesta.instruments.selectors.payers import account_statement

    account = _account(org_ln)
    actor = users[role]
    if VIEW[role]:
        assert account_statement(actor=actor, account_id=account.pk).account == account
    else:
        with pytest.raises(PermissionDenied):
            account_statement(actor=actor, account_id=account.pk)
    if MANAGE[role]:
        payer_account_update(actor=actor, account_id=account.pk, data={"note": role})
    else:
        with pytest.raises(PermissionDenied):
            payer_account_update(actor=actor, account_id=account.pk, data={"note": role})


def test_a_member_sees_the_account_they_hold_only(users, org_ln):
    from nesta.instruments.selectors.payers import account_statement

    held = _account(org_ln, code="H", holder=users["member"])
    other = _account(org_ln, code="O")
    assert account_statement(actor=users["member"], account_id=held.pk).account == held
    with pytest.raises(PermissionDenied):
        account_statement(actor=users["member"], account_id=other.pk)
    with pytest.raises(PermissionDenied):  # holding is seeing, not managing
        payer_account_update(actor=users["member"], account_id=held.pk, data={"note": "x"})


def test_province_of_another_province_does_not_see(users, org_jl):
    from nesta.instruments.selectors.payers import account_statement

    with pytest.raises(PermissionDenied):
        account_statement(actor=users["province"], account_id=_account(org_jl).pk)
