"""The rules of a listing, per kind: every kind's valid input saves; each broken rule answers 422
with the field and a stable code; the state-asset rules of property rights."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from nesta.core.errors import ValidationFailed
from nesta.market.models import Listing, ListingKind
from nesta.market.services.listing_rules import working_days
from nesta.market.services.listings import listing_create
from tests.market.factories import DETAILS
from tests.market.listings.conftest import listing_data

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def refused(actor, data) -> ValidationFailed:
    before = Listing.objects.count()
    with pytest.raises(ValidationFailed) as exc:
        listing_create(actor=actor, data=data)
    assert Listing.objects.count() == before  # nothing left behind
    return exc.value


def assert_rule(exc: ValidationFailed, field: str, code: str) -> None:
    assert field in exc.details, exc.details
    assert exc.details["codes"][field] == code, exc.details["codes"]


@pytest.mark.parametrize("kind", ListingKind.values)
def test_each_kind_valid_input_saves_a_draft(users, kind):
    listing = listing_create(actor=users["org_admin"], data=listing_data(kind))
    assert listing.status == "draft" and listing.kind == kind
    assert listing.organization_id == users["org_admin"].organization_id
    assert listing.city.code == "210100"  # the owner's city by default


@pytest.mark.parametrize("kind", ListingKind.values)
def test_each_kind_refuses_broken_details(users, kind):
    exc = refused(users["org_admin"], listing_data(kind, details={**DETAILS[kind], "surprise": 1}))
    assert_rule(exc, "details.surprise", "invalid_details")


REQUIRED_DETAIL = {
    ListingKind.ACHIEVEMENT: "transfer_modes",
    ListingKind.DEMAND: "problem",
    ListingKind.PROPERTY_RIGHT: "appraised_value",
    ListingKind.FINANCING: "stage",
    ListingKind.INVESTOR: "stages",
    ListingKind.CAPACITY: "processes",
    ListingKind.OUTSOURCING: "processes",
    ListingKind.AGRI_VARIETY: "product",
    ListingKind.AGRI_SUPPLY: "quantity_tonnes",
    ListingKind.AGRI_DEMAND: "product",
    ListingKind.SERVICE: "service_type",
}


@pytest.mark.parametrize("kind", ListingKind.values)
def test_each_kind_requires_its_own_fields(users, kind):
    details = {k: v for k, v in DETAILS[kind].items() if k != REQUIRED_DETAIL[kind]}
    exc = refused(users["org_admin"], listing_data(kind, details=details))
    assert f"details.{REQUIRED_DETAIL[kind]}" in exc.details


@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        ({"title": "铸"}, "title", "title_too_short"),
        ({"title": "x" * 121}, "title", "validation_error"),
        ({"title": "两行\n标题"}, "title", "validation_error"),
        ({"summary": ""}, "summary", "validation_error"),
        ({"summary": "含\x07控制字符"}, "summary", "validation_error"),
        ({"keywords": ",".join(f"词{i}" for i in range(21))}, "keywords", "too_many_keywords"),
        ({"keywords": "铸造\x0b砂眼"}, "keywords", "validation_error"),
        ({"field": "no-such-field"}, "field", "unknown_field"),
        ({"field": ""}, "field", "field_required"),
        ({"province": "990000"}, "province", "unknown_region"),
        ({"province": "210000", "city": "220100"}, "city", "city_not_in_province"),
        ({"contact_phone": "12345"}, "contact_phone", "invalid_phone"),
        ({"contact_email": "not-an-email"}, "contact_email", "invalid_email"),
        ({"valid_until": (TODAY - dt.timedelta(days=1)).isoformat()}, "valid_until", "validity_out_of_range"),
        ({"valid_until": (TODAY + dt.timedelta(days=3 * 366 + 1)).isoformat()}, "valid_until", "validity_out_of_range"),
        ({"surprise": 1}, "surprise", "unknown_field_name"),
    ],
)
def test_common_rules(users, change, field, code):
    assert_rule(refused(users["org_admin"], listing_data(**change)), field, code)


def test_unknown_kind_and_every_broken_rule_at_once(users):
    assert_rule(refused(users["org_admin"], {**listing_data(), "kind": "spaceship"}), "kind", "unknown_kind")
    exc = refused(users["org_admin"], listing_data(title="x", contact_phone="1", price_low="-1"))
    assert {"title", "contact_phone", "price_low"} <= set(exc.details)
    assert exc.code == "title_too_short"  # the first broken rule names the error


def test_phones_accepted():
    from nesta.market.services.listing_rules import _PHONE

    for phone in (
        "13812345678",
        "+86 138 1234 5678",
        "024-12345678",
        "(0411)87654321",
        "0411-8765-4321 转 801",
        "400-123-4567",
    ):
        assert _PHONE.match(phone), phone


@pytest.mark.parametrize(
    ("kind", "change", "field", "code"),
    [
        (ListingKind.ACHIEVEMENT, {"maturity": ""}, "maturity", "facet_required"),
        (ListingKind.ACHIEVEMENT, {"maturity": "moon"}, "maturity", "invalid_choice"),
        (ListingKind.ACHIEVEMENT, {"ip_type": ""}, "ip_type", "facet_required"),
        (ListingKind.DEMAND, {"maturity": "pilot"}, "maturity", "facet_not_allowed"),
        (ListingKind.SERVICE, {"ip_type": "software"}, "ip_type", "facet_not_allowed"),
        (ListingKind.PROPERTY_RIGHT, {"price_low": None}, "price_low", "price_required"),
        (ListingKind.FINANCING, {"price_low": None, "price_high": None}, "price_low", "price_required"),
        (
            ListingKind.INVESTOR,
            {"price_low": None, "price_high": None, "price_negotiable": True},
            "price_negotiable",
            "price_required",
        ),
        (ListingKind.ACHIEVEMENT, {"price_low": "9", "price_high": "5"}, "price_high", "price_range_inverted"),
        (ListingKind.ACHIEVEMENT, {"price_negotiable": True}, "price_negotiable", "negotiable_with_price"),
        (ListingKind.ACHIEVEMENT, {"price_low": "1000000000000"}, "price_low", "invalid_amount"),
        (ListingKind.ACHIEVEMENT, {"price_low": "1.234"}, "price_low", "invalid_amount"),
        (ListingKind.ACHIEVEMENT, {"price_low": "NaN"}, "price_low", "invalid_amount"),
        (ListingKind.ACHIEVEMENT, {"price_negotiable": "yes"}, "price_negotiable", "validation_error"),
        (
            ListingKind.DEMAND,
            {"details": {**DETAILS["demand"], "deadline": "2001-01-01"}},
            "details.deadline",
            "deadline_past",
        ),
        (
            ListingKind.INVESTOR,
            {"details": {**DETAILS["investor"], "regions": ["999999"]}},
            "details.regions",
            "unknown_region",
        ),
    ],
)
def test_facet_and_price_rules(users, kind, change, field, code):
    assert_rule(refused(users["org_admin"], listing_data(kind, **change)), field, code)


def test_no_price_is_negotiable_and_negotiable_means_no_prices(users):
    listing = listing_create(actor=users["org_admin"], data=listing_data(ListingKind.DEMAND))
    assert listing.price_negotiable and listing.price_low is None and listing.price_high is None
    listing = listing_create(
        actor=users["org_admin"],
        data=listing_data(price_low=None, price_high=None, price_negotiable=True),
    )
    assert listing.price_negotiable


# --- state-owned property rights --------------------------------------------------------------


def next_monday() -> dt.date:
    return TODAY + dt.timedelta(days=7 - TODAY.weekday())


def state_owned(start: dt.date, end: dt.date, *, floor: str = "5000000", relisting: int = 0, **extra):
    details = {
        **DETAILS["property_right"],
        "state_owned": True,
        "disclosure_start": start.isoformat(),
        "disclosure_end": end.isoformat(),
        "relisting": relisting,
        **extra,
    }
    return listing_data(ListingKind.PROPERTY_RIGHT, price_low=floor, details=details)


def test_working_days_count_monday_to_friday():
    monday = dt.date(2026, 11, 2)
    assert working_days(monday, monday + dt.timedelta(days=4)) == 5
    assert working_days(monday, monday + dt.timedelta(days=6)) == 5
    assert working_days(monday, monday + dt.timedelta(days=25)) == 20  # four weeks less the last Saturday
    assert working_days(monday + dt.timedelta(days=5), monday + dt.timedelta(days=6)) == 0
    assert working_days(monday, monday - dt.timedelta(days=1)) == 0


def test_state_owned_disclosure_of_twenty_working_days(users):
    start = next_monday()
    ok = listing_create(actor=users["org_admin"], data=state_owned(start, start + dt.timedelta(days=25)))
    assert ok.is_state_owned
    exc = refused(users["org_admin"], state_owned(start, start + dt.timedelta(days=24)))  # 19 working days
    assert_rule(exc, "details.disclosure_end", "disclosure_too_short")
    exc = refused(users["org_admin"], state_owned(start, start - dt.timedelta(days=3)))
    assert_rule(exc, "details.disclosure_end", "disclosure_inverted")


def test_state_owned_needs_the_disclosure_period(users):
    data = listing_data(ListingKind.PROPERTY_RIGHT, details={**DETAILS["property_right"], "state_owned": True})
    exc = refused(users["org_admin"], data)
    assert_rule(exc, "details.disclosure_start", "disclosure_required")
    assert_rule(exc, "details.disclosure_end", "disclosure_required")
    # a private asset needs no disclosure period and may list below its appraisal
    private = listing_data(ListingKind.PROPERTY_RIGHT, price_low="100")
    assert listing_create(actor=users["org_admin"], data=private).price_low == Decimal(100)


def test_first_disclosure_floor_not_below_appraisal(users):
    start = next_monday()
    end = start + dt.timedelta(days=27)
    exc = refused(users["org_admin"], state_owned(start, end, floor="4999999.99"))
    assert_rule(exc, "price_low", "floor_below_appraisal")
    assert listing_create(actor=users["org_admin"], data=state_owned(start, end, floor="5000000"))


def test_redisclosure_below_ninety_percent_needs_the_approval(users):
    start = next_monday()
    end = start + dt.timedelta(days=27)
    # at 90 %: no approval needed on a re-disclosure
    assert listing_create(actor=users["org_admin"], data=state_owned(start, end, floor="4500000", relisting=1))
    exc = refused(users["org_admin"], state_owned(start, end, floor="4499999", relisting=1))
    assert_rule(exc, "details.approval_reference", "approval_required")
    assert_rule(exc, "details.approval_by", "approval_required")
    exc = refused(
        users["org_admin"],
        state_owned(start, end, floor="4000000", relisting=2, approval_reference="辽国资〔2026〕12号"),
    )
    assert set(exc.details) - {"codes"} == {"details.approval_by"}
    approved = state_owned(
        start, end, floor="4000000", relisting=2, approval_reference="辽国资〔2026〕12号", approval_by="辽宁省国资委"
    )
    listing = listing_create(actor=users["org_admin"], data=approved)
    assert listing.details["approval_by"] == "辽宁省国资委"


def test_details_messages_are_chinese(users):
    exc = refused(users["org_admin"], listing_data(details={"transfer_modes": [], "team": "x" * 300, "extra": 1}))
    assert exc.details["details.transfer_modes"] == ["至少选择 1 项。"]
    assert exc.details["details.team"] == ["最多 200 个字符。"]
    assert exc.details["details.extra"] == ["不支持的字段。"]
