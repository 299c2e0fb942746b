"""The listing's lifecycle through the services: each step from its states (409 from any other),
the named audit events, the review note, editing per state, the expiry job and the search index."""

import datetime as dt

import pytest
from django.utils import timezone

from nesta.core.errors import Conflict, ValidationFailed
from nesta.core.models import AuditLog, Notification, SearchDocument
from nesta.market.lifecycles.listing import LISTING
from nesta.market.models import Listing, ListingStatus
from nesta.market.services.listings import listing_create, listing_run, listing_update, listings_expire
from tests.market.factories import ListingFactory
from tests.market.listings.conftest import listing_data

pytestmark = pytest.mark.django_db
S = ListingStatus


def events(listing) -> list[str]:
    return list(
        AuditLog.objects.filter(object_type="market.listing", object_id=str(listing.pk))
        .order_by("pk")
        .values_list("action", flat=True)
    )


def test_the_whole_way_with_audit_events_and_the_index(users):
    owner, reviewer = users["org_admin"], users["province"]
    listing = listing_create(actor=owner, data=listing_data())
    assert not SearchDocument.objects.filter(doc_type="listing", object_id=listing.pk).exists()
    listing_run("submit", actor=owner, listing_id=listing.pk)
    listing_run("return", actor=reviewer, listing_id=listing.pk, reason="请补充专利号")
    listing = Listing.objects.get(pk=listing.pk)
    assert listing.status == S.DRAFT and listing.review_note == "请补充专利号" and listing.returned_at
    assert listing.reviewed_by_id == reviewer.pk
    assert Notification.objects.filter(user=owner, kind="listing_returned").exists()
    listing_update(actor=owner, listing_id=listing.pk, data={"summary": "补充了专利号的简介。"})
    listing_run("submit", actor=owner, listing_id=listing.pk)
    listing_run("approve", actor=reviewer, listing_id=listing.pk)
    listing = listing_run("publish", actor=owner, listing_id=listing.pk)
    assert listing.status == S.PUBLISHED and listing.published_at
    assert SearchDocument.objects.filter(doc_type="listing", object_id=listing.pk).exists()
    listing_run("negotiate", actor=owner, listing_id=listing.pk)
    listing_run("reopen", actor=owner, listing_id=listing.pk)
    listing = listing_run("deal", actor=owner, listing_id=listing.pk)
    assert listing.status == S.DEALT and listing.dealt_at
    assert SearchDocument.objects.filter(doc_type="listing", object_id=listing.pk).exists()  # dealt stays public
    assert events(listing) == [
        "listing.created",
        "listing.submitted",
        "listing.returned",
        "listing.updated",
        "listing.submitted",
        "listing.approved",
        "listing.published",
        "listing.negotiating",
        "listing.reopened",
        "listing.dealt",
    ]


def test_withdraw_takes_a_published_listing_out_of_search(users):
    listing = ListingFactory(organization=users["org_admin"].organization)
    listing_update(actor=users["org_admin"], listing_id=listing.pk, data={"summary": "重新索引后的简介内容。"})
    assert SearchDocument.objects.filter(doc_type="listing", object_id=listing.pk).exists()
    listing_run("withdraw", actor=users["org_admin"], listing_id=listing.pk)
    assert not SearchDocument.objects.filter(doc_type="listing", object_id=listing.pk).exists()


CASES = [(t.name, state) for t in LISTING.transitions for state in S.values]


@pytest.mark.parametrize(("name", "state"), CASES)
def test_each_step_from_each_state(users, name, state):
    """Allowed from its sources, 409 invalid_state from any other (office: every permission)."""
    listing = ListingFactory(organization=users["org_admin"].organization, status=state)
    t = LISTING.transition(name)
    if state in t.sources:
        done = listing_run(name, actor=users["office"], listing_id=listing.pk, reason="原因", system=name == "expire")
        assert done.status == t.target
        assert events(listing)[-1] == t.event
    else:
        with pytest.raises(Conflict) as exc:
            listing_run(name, actor=users["office"], listing_id=listing.pk, reason="原因", system=name == "expire")
        assert exc.value.code == "invalid_state" and exc.value.details["status"] == state
        assert Listing.objects.get(pk=listing.pk).status == state


def test_return_needs_a_reason_and_refuses_control_characters(users):
    listing = ListingFactory(organization=users["org_admin"].organization, status=S.SUBMITTED)
    for reason in ("", "   ", "退回\x00", "长" * 501):
        with pytest.raises(ValidationFailed):
            listing_run("return", actor=users["province"], listing_id=listing.pk, reason=reason)
    assert Listing.objects.get(pk=listing.pk).status == S.SUBMITTED


def test_submit_and_publish_refuse_a_passed_validity(users):
    past = timezone.localdate() - dt.timedelta(days=1)
    for state, step in ((S.DRAFT, "submit"), (S.APPROVED, "publish")):
        listing = ListingFactory(organization=users["org_admin"].organization, status=state, valid_until=past)
        with pytest.raises(ValidationFailed) as exc:
            listing_run(step, actor=users["org_admin"], listing_id=listing.pk)
        assert exc.value.code == "validity_passed"


# --- editing per state ------------------------------------------------------------------------


def test_a_draft_changes_everything_but_kind_and_owner(users):
    owner = users["org_admin"]
    listing = listing_create(actor=owner, data=listing_data())
    listing = listing_update(
        actor=owner,
        listing_id=listing.pk,
        data={
            "maturity": "industrial",
            "price_low": "800000",
            "price_high": "900000",
            "details": {"team": "王教授团队"},
        },
    )
    assert listing.maturity == "industrial" and listing.details["team"] == "王教授团队"
    assert listing.details["transfer_modes"] == ["license"]  # details merged, not replaced
    last = AuditLog.objects.filter(action="listing.updated", object_id=str(listing.pk)).latest("pk")
    assert last.changes["maturity"] == ["pilot", "industrial"]
    for fixed in ({"kind": "demand"}, {"organization": 1}):
        with pytest.raises(ValidationFailed) as exc:
            listing_update(actor=owner, listing_id=listing.pk, data=fixed)
        assert exc.value.code == "field_fixed"
    count = AuditLog.objects.filter(action="listing.updated").count()
    listing_update(actor=owner, listing_id=listing.pk, data={"maturity": "industrial"})  # no change
    assert AuditLog.objects.filter(action="listing.updated").count() == count


def test_a_province_change_clears_the_old_city_and_checks_the_new_one(users):
    listing = listing_create(actor=users["office"], data=listing_data(organization=users["org_admin"].organization_id))
    moved = listing_update(actor=users["office"], listing_id=listing.pk, data={"province": "220000"})
    assert moved.province.code == "220000" and moved.city is None
    with pytest.raises(ValidationFailed) as exc:
        listing_update(actor=users["office"], listing_id=listing.pk, data={"city": "210100"})
    assert exc.value.details["codes"]["city"] == "city_not_in_province"


@pytest.mark.parametrize("state", [S.SUBMITTED, S.APPROVED])
def test_under_review_nothing_changes(users, state):
    listing = ListingFactory(organization=users["org_admin"].organization, status=state)
    with pytest.raises(Conflict) as exc:
        listing_update(actor=users["org_admin"], listing_id=listing.pk, data={"summary": "改一改这段简介"})
    assert exc.value.code == "listing_under_review"


@pytest.mark.parametrize("state", [S.PUBLISHED, S.NEGOTIATING])
def test_on_the_market_texts_change_and_facets_do_not(users, state):
    listing = ListingFactory(organization=users["org_admin"].organization, status=state)
    done = listing_update(
        actor=users["org_admin"],
        listing_id=listing.pk,
        data={"title": "新标题：铸造铝合金", "contact_phone": "13812345678"},
    )
    assert done.status == state and done.title == "新标题：铸造铝合金"
    assert events(listing)[-1] == "listing.updated"
    for locked in ({"price_low": "1"}, {"field": "automotive"}, {"details": {"team": "x"}}, {"maturity": "lab"}):
        with pytest.raises(Conflict) as exc:
            listing_update(actor=users["org_admin"], listing_id=listing.pk, data=locked)
        assert exc.value.code == "field_locked"


@pytest.mark.parametrize("state", [S.DEALT, S.WITHDRAWN, S.EXPIRED])
def test_closed_listings_are_not_edited(users, state):
    listing = ListingFactory(organization=users["org_admin"].organization, status=state)
    with pytest.raises(Conflict) as exc:
        listing_update(actor=users["org_admin"], listing_id=listing.pk, data={"summary": "改一改这段简介"})
    assert exc.value.code == "listing_closed"


def test_an_edit_may_keep_an_old_validity_but_not_set_a_past_one(users):
    past = timezone.localdate() - dt.timedelta(days=3)
    listing = ListingFactory(organization=users["org_admin"].organization, status=S.DRAFT, valid_until=past)
    listing_update(actor=users["org_admin"], listing_id=listing.pk, data={"summary": "只改简介，有效期不变。"})
    with pytest.raises(ValidationFailed):
        listing_update(actor=users["org_admin"], listing_id=listing.pk, data={"valid_until": past.isoformat()})


# --- the expiry job ---------------------------------------------------------------------------


def test_expiry_job_expires_passed_listings_only(users):
    org = users["org_admin"].organization
    today = timezone.localdate()
    past = today - dt.timedelta(days=1)
    gone = [
        ListingFactory(organization=org, status=s, valid_until=past, created_by=users["org_admin"])
        for s in (S.DRAFT, S.PUBLISHED)
    ]
    kept = [
        ListingFactory(organization=org, status=S.PUBLISHED, valid_until=today),
        ListingFactory(organization=org, status=S.NEGOTIATING, valid_until=past),
        ListingFactory(organization=org, status=S.DEALT, valid_until=past),
    ]
    assert listings_expire() == 2
    for x in gone:
        x.refresh_from_db()
        assert x.status == S.EXPIRED and x.expired_at and events(x)[-1] == "listing.expired"
    assert not SearchDocument.objects.filter(doc_type="listing", object_id=gone[1].pk).exists()
    assert [Listing.objects.get(pk=x.pk).status for x in kept] == [S.PUBLISHED, S.NEGOTIATING, S.DEALT]
    assert Notification.objects.filter(user=users["org_admin"], kind="listing_expired").count() == 2
    assert listings_expire() == 0


def test_expiry_job_is_registered():
    from nesta.core.registry import registry

    assert "market.expire" in {j.name for j in registry.periodic_jobs()}
