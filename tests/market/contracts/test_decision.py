"""The point's decision: register (the 14-digit number, the listing closed, the statistics),
refuse with coded reasons, withdraw; the deadline and the overdue job."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from nesta.core.errors import Conflict, NotAuthenticated, PermissionDenied, ValidationFailed
from nesta.core.models import AuditLog, Notification
from nesta.market.models import ContractSerial, ContractStat, Listing, TechContract
from nesta.market.services import contracts as services
from tests.factories import UserFactory, grant
from tests.market.factories import ListingFactory, RegistrationPointFactory


def test_registering_gives_the_14_digit_number(make_contract, staff, point):
    c = make_contract()
    done = services.contract_register(actor=staff, contract_id=c.pk)
    year = timezone.localtime().year % 100
    assert done.status == "registered" and done.registered_at and done.decided_by == staff
    assert re.fullmatch(r"\d{14}", done.number)
    assert done.number == f"{year:02d}21" + "01" + "05" + "000001"
    assert done.serial == 1
    assert AuditLog.objects.filter(action="contract.registered", object_id=str(c.pk)).exists()
    changes = AuditLog.objects.get(action="contract.registered").changes
    assert changes["number"] == [None, done.number]


def test_the_year_is_the_registration_year_in_china(make_contract, staff):
    c = make_contract()
    # 2026-12-31 17:00 UTC is already 2027-01-01 01:00 in Asia/Shanghai
    late = dt.datetime(2026, 12, 31, 17, 0, tzinfo=dt.UTC)
    done = services.contract_register(actor=staff, contract_id=c.pk, now=late)
    assert done.number.startswith("27")
    assert ContractSerial.objects.get(point=c.point).year == 2027


def test_serials_count_per_point_and_year(make_contract, staff, point, market_org):
    a, b = make_contract(), make_contract()
    services.contract_register(actor=staff, contract_id=a.pk)
    services.contract_register(actor=staff, contract_id=b.pk)
    assert [c.serial for c in TechContract.objects.order_by("serial")] == [1, 2]
    other = RegistrationPointFactory(organization=market_org, city_code="210200", point_code="01")
    c = make_contract(point_id=other.pk)
    done = services.contract_register(actor=staff, contract_id=c.pk)
    assert done.number[2:8] == "210201" and done.serial == 1


def test_registering_adds_to_the_statistics(make_contract, staff):
    c = make_contract()
    services.contract_register(actor=staff, contract_id=c.pk)
    cells = ContractStat.objects.all()
    assert cells.count() == 7
    assert {x.contracts for x in cells} == {1}
    assert {x.technology_fen for x in cells} == {80_000_000}


def test_a_contract_is_decided_once(make_contract, staff):
    c = make_contract()
    services.contract_register(actor=staff, contract_id=c.pk)
    with pytest.raises(Conflict) as exc:
        services.contract_register(actor=staff, contract_id=c.pk)
    assert exc.value.code == "invalid_state"
    with pytest.raises(Conflict):
        services.contract_refuse(actor=staff, contract_id=c.pk, reasons=["oral_contract"], note="口头")
    assert ContractSerial.objects.get().last == 1


def test_a_failed_registration_consumes_no_serial(make_contract, staff, monkeypatch):
    a, b = make_contract(), make_contract()

    def broken(contract):
        raise RuntimeError("statistics down")

    monkeypatch.setattr(services, "record_registration", broken)
    with pytest.raises(RuntimeError):
        services.contract_register(actor=staff, contract_id=a.pk)
    a.refresh_from_db()
    assert a.status == "submitted" and a.number is None
    assert not ContractSerial.objects.filter(last__gt=0).exists()
    monkeypatch.undo()
    done = services.contract_register(actor=staff, contract_id=b.pk)
    assert done.serial == 1


def test_the_serial_stops_at_999999(make_contract, staff, point):
    c = make_contract()
    ContractSerial.objects.create(point=point, year=timezone.localtime().year, last=999_999)
    with pytest.raises(Conflict) as exc:
        services.contract_register(actor=staff, contract_id=c.pk)
    assert exc.value.code == "serial_exhausted"


def test_registering_closes_the_listing_as_dealt(make_contract, staff, org_ln):
    listing = ListingFactory(organization=org_ln)
    c = make_contract(listing_id=listing.pk)
    services.contract_register(actor=staff, contract_id=c.pk)
    listing.refresh_from_db()
    assert listing.status == "dealt" and listing.dealt_at
    assert AuditLog.objects.filter(action="listing.dealt", object_id=str(listing.pk)).exists()


def test_a_listing_off_the_market_is_left_as_it_is(make_contract, staff, org_ln):
    listing = ListingFactory(organization=org_ln, status="withdrawn")
    c = make_contract(listing_id=listing.pk)
    services.contract_register(actor=staff, contract_id=c.pk)
    assert Listing.objects.get(pk=listing.pk).status == "withdrawn"


def test_refusal_keeps_coded_reasons_in_order_and_tells_the_submitter(make_contract, staff, seller):
    c = make_contract()
    done = services.contract_refuse(
        actor=staff,
        contract_id=c.pk,
        reasons=["oral_contract", "not_technology", "oral_contract"],
        note="未提交书面合同",
    )
    assert done.status == "refused" and done.number is None and done.refused_at
    assert done.refusal_reasons == ["not_technology", "oral_contract"]
    assert done.refusal_note == "未提交书面合同"
    note = Notification.objects.get(user=seller, kind="contract_refused")
    assert "不属于技术合同" in note.body
    assert not ContractSerial.objects.filter(last__gt=0).exists()


@pytest.mark.parametrize(
    ("reasons", "note", "field", "code"),
    [
        ([], "说明", "reasons", "refusal_reasons_required"),
        ("oral_contract", "说明", "reasons", "refusal_reasons_required"),
        (["bribery"], "说明", "reasons", "refusal_reason_unknown"),
        (["oral_contract"], "", "note", "refusal_note_required"),
        (["oral_contract"], "a\x00", "note", "refusal_note_invalid"),
        (["oral_contract"], "长" * 501, "note", "refusal_note_invalid"),
    ],
)
def test_refusal_rules(make_contract, staff, reasons, note, field, code):
    c = make_contract()
    with pytest.raises(ValidationFailed) as exc:
        services.contract_refuse(actor=staff, contract_id=c.pk, reasons=reasons, note=note)
    assert exc.value.details["codes"][field] == code
    assert TechContract.objects.get(pk=c.pk).status == "submitted"


def test_the_submitter_hears_of_the_registration(make_contract, staff, seller):
    c = make_contract()
    services.contract_register(actor=staff, contract_id=c.pk)
    note = Notification.objects.get(user=seller, kind="contract_registered")
    assert TechContract.objects.get(pk=c.pk).number in note.body


def test_withdrawal_by_the_seller_side(make_contract, users, staff):
    c = make_contract()
    services.contract_withdraw(actor=users["org_admin"], contract_id=c.pk)  # the seller org's admin
    assert TechContract.objects.get(pk=c.pk).status == "withdrawn"
    with pytest.raises(Conflict):
        services.contract_register(actor=staff, contract_id=c.pk)


def test_the_point_cannot_withdraw_for_the_seller(make_contract, staff):
    c = make_contract()
    with pytest.raises(PermissionDenied):
        services.contract_withdraw(actor=staff, contract_id=c.pk)


# --- who decides ---------------------------------------------------------------------------------

DECIDES = {
    "office": True,
    "province": True,
    "org_admin": False,
    "member": False,
    "instrument_manager": False,
    "expert": False,
}


@pytest.mark.parametrize(("role", "allowed"), DECIDES.items())
def test_who_may_register(make_contract, users, role, allowed):
    c = make_contract()
    if allowed:
        assert services.contract_register(actor=users[role], contract_id=c.pk).status == "registered"
    else:
        with pytest.raises(PermissionDenied):
            services.contract_register(actor=users[role], contract_id=c.pk)
        assert not ContractSerial.objects.filter(last__gt=0).exists()


@pytest.mark.parametrize(("role", "allowed"), DECIDES.items())
def test_who_may_refuse(make_contract, users, role, allowed):
    c = make_contract()
    if allowed:
        services.contract_refuse(actor=users[role], contract_id=c.pk, reasons=["seals_missing"], note="缺少盖章")
    else:
        with pytest.raises(PermissionDenied):
            services.contract_refuse(actor=users[role], contract_id=c.pk, reasons=["seals_missing"], note="缺少盖章")


def test_the_points_admin_and_members_decide(make_contract, point):
    admin = grant(UserFactory(organization=point.organization), "org_admin", organization=point.organization)
    c = make_contract()
    assert services.contract_register(actor=admin, contract_id=c.pk).number


def test_another_provinces_operator_cannot_decide(make_contract, jilin):
    jl = grant(UserFactory(), "province", province=jilin)
    c = make_contract()
    with pytest.raises(PermissionDenied):
        services.contract_register(actor=jl, contract_id=c.pk)


def test_anonymous_decisions_are_401(make_contract):
    from django.contrib.auth.models import AnonymousUser

    c = make_contract()
    with pytest.raises(NotAuthenticated):
        services.contract_register(actor=AnonymousUser(), contract_id=c.pk)
    with pytest.raises(NotAuthenticated):
        services.contract_refuse(actor=AnonymousUser(), contract_id=c.pk, reasons=[], note="")


# --- the deadline ----------------------------------------------------------------------------------


def test_overdue_contracts_are_flagged_once(make_contract, staff):
    late = make_contract()
    make_contract()  # still in time
    TechContract.objects.filter(pk=late.pk).update(decision_due=timezone.localdate() - dt.timedelta(days=1))
    assert services.contracts_flag_overdue() == 1
    assert services.contracts_flag_overdue() == 0
    assert AuditLog.objects.filter(action="contract.overdue", object_id=str(late.pk)).count() == 1
    assert Notification.objects.filter(user=staff, kind="contract_overdue").count() == 1


def test_the_overdue_job_is_registered():
    from nesta.core.registry import registry

    assert "market.contracts_overdue" in {j.name for j in registry.periodic_jobs()}


def test_the_closed_listing_is_reindexed(make_contract, staff, org_ln, monkeypatch):
    from nesta.market.services import listings as listing_services

    seen = []
    monkeypatch.setattr(listing_services, "index_listing", lambda listing: seen.append((listing.pk, listing.status)))
    listing = ListingFactory(organization=org_ln, status="negotiating")
    services.contract_register(actor=staff, contract_id=make_contract(listing_id=listing.pk).pk)
    assert seen == [(listing.pk, "dealt")]
