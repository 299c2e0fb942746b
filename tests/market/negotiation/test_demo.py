"""Demo negotiations: accepted interests behind every listing 洽谈中 with a few messages, open and
declined ones on published listings, closed ones behind deals; deterministic, idempotent, valid
for the model's rules, no moment after now."""

import pytest
from django.utils import timezone

from nesta.demo.market import negotiation as demo
from nesta.market.selectors import negotiation as selectors

SCALE, SEED = 30, 2026


@pytest.fixture
def loaded(reference):
    from nesta.demo.market import listings
    from nesta.demo.providers import load_demo_directory

    load_demo_directory(SCALE, SEED, lambda line: None)
    listings.load(SCALE, SEED, lambda line: None)
    lines: list[str] = []
    counts = demo.load(SCALE, SEED, lines.append)
    return counts, lines


def snapshot():
    from nesta.market.models import Interest, ThreadMessage

    return (
        list(
            Interest.objects.order_by("listing__reference_key", "organization_id").values_list(
                "listing__reference_key", "organization_id", "status", "message", "accepted_at", "created_at"
            )
        ),
        list(
            ThreadMessage.objects.order_by("interest__listing__reference_key", "id").values_list("body", "created_at")
        ),
    )


@pytest.mark.django_db
def test_negotiations_in_progress_on_the_demo_listings(loaded):
    from nesta.market.models import Interest, Listing

    counts, lines = loaded
    assert counts["interests"] == Interest.objects.count() > 0
    assert counts["accepted"] > 0 and counts["open"] > 0 and counts["declined"] > 0
    assert "demo market negotiations" in lines[0]
    for listing in Listing.objects.filter(reference_key__startswith="demo-mkt-", status="negotiating"):
        accepted = listing.interests.filter(status="accepted")
        assert accepted.count() >= 1, listing.reference_key
        assert accepted.first().messages.count() >= 1 or accepted.first().last_message_at is None
    for interest in Interest.objects.select_related("listing", "user"):
        assert interest.organization_id != interest.listing.organization_id
        assert interest.user.organization_id == interest.organization_id
        # the person acts for the organisation: they see their own interest
        assert selectors.interest_get(user=interest.user, interest_id=interest.pk).side == "party"
        if interest.status == "accepted":
            assert interest.listing.status == "negotiating" and interest.accepted_at == interest.listing.negotiating_at
        if interest.status == "open":
            assert interest.listing.status in ("published", "negotiating")
        if interest.status == "declined":
            assert interest.answer and interest.declined_at >= interest.created_at
    assert Interest.objects.filter(status="accepted", messages__isnull=False).exists()


@pytest.mark.django_db
def test_no_moment_is_in_the_future_and_threads_follow_their_interest(loaded):
    from nesta.market.models import Interest, ThreadMessage

    now = timezone.now()
    for interest in Interest.objects.select_related("listing"):
        stamps = [interest.created_at, interest.accepted_at, interest.declined_at, interest.closed_at]
        assert all(s is None or s <= now for s in stamps), interest.pk
        assert interest.created_at >= (interest.listing.published_at or interest.listing.created_at)
        if interest.accepted_at:
            assert interest.created_at <= interest.accepted_at
    for m in ThreadMessage.objects.select_related("interest__listing"):
        assert m.created_at <= now
        assert m.created_at > m.interest.created_at
        assert m.author_organization_id in (m.interest.organization_id, m.interest.listing.organization_id)


@pytest.mark.django_db
def test_demo_negotiations_are_deterministic_and_idempotent(loaded):
    from nesta.market.models import Interest, ThreadMessage

    first = snapshot()
    counts = demo.load(SCALE, SEED, lambda line: None)
    assert counts["interests"] == 0 and snapshot() == first
    ThreadMessage.objects.all().delete()
    Interest.objects.all().delete()
    demo.load(SCALE, SEED, lambda line: None)
    again = snapshot()
    assert [row[:4] for row in again[0]] == [row[:4] for row in first[0]]
    assert [row[0] for row in again[1]] == [row[0] for row in first[1]]
