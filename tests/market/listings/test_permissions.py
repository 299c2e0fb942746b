"""Who may do what with listings, role by role: create, change, review, see drafts, see contacts.
Organisation roles sit in org_ln (Liaoning), the province role in Liaoning."""

import pytest

from nesta.core.errors import NotAuthenticated, NotFound, PermissionDenied
from nesta.market.models import Interest, ListingStatus
from nesta.market.selectors.listings import listing_get, may_view_contact
from nesta.market.services.listings import listing_create, listing_run, listing_update
from tests.factories import UserFactory, grant
from tests.market.factories import ListingFactory
from tests.market.listings.conftest import listing_data

pytestmark = pytest.mark.django_db
ROLES = ["office", "province", "org_admin", "instrument_manager", "member", "expert", "anonymous"]
ORG_PEOPLE = {"org_admin", "instrument_manager", "member"}


def actor(users, role):
    from django.contrib.auth.models import AnonymousUser

    return AnonymousUser() if role == "anonymous" else users[role]


def outcome(call) -> str:
    try:
        call()
    except NotAuthenticated:
        return "401"
    except PermissionDenied:
        return "403"
    except NotFound:
        return "404"
    return "ok"


EXPECT_CREATE_OWN = {"office": "ok", "province": "ok", "expert": "403", "anonymous": "401"} | dict.fromkeys(
    ORG_PEOPLE, "ok"
)
EXPECT_CREATE_OTHER = {"office": "ok", "province": "403", "expert": "403", "anonymous": "401"} | dict.fromkeys(
    ORG_PEOPLE, "403"
)


@pytest.mark.parametrize("role", ROLES)
def test_create_for_org_ln_and_for_org_jl(users, org_ln, org_jl, role):
    who = actor(users, role)
    own = outcome(lambda: listing_create(actor=who, data=listing_data(organization=org_ln.pk)))
    other = outcome(lambda: listing_create(actor=who, data=listing_data(organization=org_jl.pk)))
    assert (own, other) == (EXPECT_CREATE_OWN[role], EXPECT_CREATE_OTHER[role])


def test_a_province_may_not_place_a_listing_in_another_province(users, org_ln):
    with pytest.raises(PermissionDenied):
        listing_create(actor=users["province"], data=listing_data(organization=org_ln.pk, province="220000", city=None))


EXPECT_CHANGE = {"office": "ok", "province": "ok", "expert": "403", "anonymous": "401"} | dict.fromkeys(
    ORG_PEOPLE, "ok"
)


@pytest.mark.parametrize("role", ROLES)
def test_change_and_submit(users, org_ln, org_jl, role):
    who = actor(users, role)
    mine = ListingFactory(organization=org_ln, status=ListingStatus.DRAFT)
    theirs = ListingFactory(organization=org_jl, status=ListingStatus.DRAFT)
    change = outcome(lambda: listing_update(actor=who, listing_id=mine.pk, data={"summary": "修改后的简介内容。"}))
    assert change == EXPECT_CHANGE[role]
    submit = outcome(lambda: listing_run("submit", actor=who, listing_id=mine.pk))
    assert submit == EXPECT_CHANGE[role]
    other = outcome(lambda: listing_update(actor=who, listing_id=theirs.pk, data={"summary": "修改后的简介内容。"}))
    assert other == ("ok" if role == "office" else "401" if role == "anonymous" else "403")


EXPECT_REVIEW_LN = {"office": "ok", "province": "ok", "expert": "403", "anonymous": "401"} | dict.fromkeys(
    ORG_PEOPLE, "403"
)


@pytest.mark.parametrize("role", ROLES)
def test_review(users, org_ln, org_jl, role):
    who = actor(users, role)
    ln = ListingFactory(organization=org_ln, status=ListingStatus.SUBMITTED)
    jl = ListingFactory(organization=org_jl, status=ListingStatus.SUBMITTED)
    assert outcome(lambda: listing_run("approve", actor=who, listing_id=ln.pk)) == EXPECT_REVIEW_LN[role]
    expected_jl = "ok" if role == "office" else "401" if role == "anonymous" else "403"
    assert outcome(lambda: listing_run("return", actor=who, listing_id=jl.pk, reason="不符合要求")) == expected_jl


EXPECT_DRAFT = {"office": "ok", "province": "ok", "expert": "404", "anonymous": "404"} | dict.fromkeys(ORG_PEOPLE, "ok")


@pytest.mark.parametrize("role", ROLES)
def test_view_drafts(users, org_ln, org_jl, role):
    who = actor(users, role)
    draft = ListingFactory(organization=org_ln, status=ListingStatus.DRAFT)
    jl_draft = ListingFactory(organization=org_jl, status=ListingStatus.SUBMITTED)
    published = ListingFactory(organization=org_jl, status=ListingStatus.PUBLISHED)
    assert outcome(lambda: listing_get(viewer=who, listing_id=draft.pk)) == EXPECT_DRAFT[role]
    assert outcome(lambda: listing_get(viewer=who, listing_id=jl_draft.pk)) == ("ok" if role == "office" else "404")
    assert outcome(lambda: listing_get(viewer=who, listing_id=published.pk)) == "ok"


EXPECT_CONTACT = {"office": True, "province": True, "expert": False, "anonymous": False} | dict.fromkeys(
    ORG_PEOPLE, True
)


@pytest.mark.parametrize("role", ROLES)
def test_contacts_by_role(users, org_ln, role):
    listing = ListingFactory(organization=org_ln)
    assert may_view_contact(actor(users, role), listing) is EXPECT_CONTACT[role]


@pytest.mark.parametrize("status", [s for s, _l in Interest.Status.choices])
def test_contacts_for_an_interested_party_only_once_accepted(users, org_ln, org_jl, status):
    listing = ListingFactory(organization=org_ln)
    person = grant(UserFactory(username="jl_member", organization=org_jl), "member", organization=org_jl)
    colleague = grant(UserFactory(username="jl_colleague", organization=org_jl), "member", organization=org_jl)
    stranger = UserFactory(username="stranger")
    Interest.objects.create(listing=listing, organization=org_jl, user=person, message="有意合作", status=status)
    accepted = status == Interest.Status.ACCEPTED
    assert may_view_contact(person, listing) is accepted
    assert may_view_contact(colleague, listing) is accepted  # the organisation's interest
    assert may_view_contact(stranger, listing) is False
    other = ListingFactory(organization=org_ln)
    assert may_view_contact(person, other) is False  # only on that listing
