"""The interest's lifecycle: expressing, accepting (the listing goes 洽谈中), declining,
withdrawing, ending; each step from each state, the audit events and who is told."""

import pytest
from django.contrib.auth.models import AnonymousUser

from nesta.core.errors import Conflict, NotAuthenticated, NotFound, PermissionDenied, ValidationFailed
from nesta.core.models import AuditLog, Notification
from nesta.market.lifecycles import INTEREST
from nesta.market.models import Interest, ListingStatus
from nesta.market.selectors import negotiation as selectors
from nesta.market.services import negotiation as services
from tests.market.factories import ListingFactory

S = Interest.Status


def express(w, user=None, listing=None, message="我们对该技术很感兴趣，希望进一步洽谈。"):
    return services.interest_express(actor=user or w.party, listing_id=(listing or w.listing).pk, message=message)


def test_expressing_creates_an_open_interest_audited_and_tells_the_owner(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        interest = express(world)
    assert interest.status == S.OPEN
    assert interest.organization == world.party_org and interest.user == world.party
    log = AuditLog.objects.get(action="interest.created")
    assert log.object_id == str(interest.pk) and log.changes["status"] == [None, "open"]
    note = Notification.objects.get(user=world.owner, kind="interest_created")
    assert world.listing.title in note.title and world.party_org.name in note.body
    assert len(callbacks) == 1  # the owner's e-mail copy, after commit


def test_accepting_puts_the_listing_into_negotiation_and_tells_the_party(world):
    interest = express(world)
    services.interest_accept(actor=world.owner, interest_id=interest.pk, answer="欢迎来所面谈")
    interest.refresh_from_db()
    world.listing.refresh_from_db()
    assert interest.status == S.ACCEPTED and interest.answer == "欢迎来所面谈" and interest.accepted_at
    assert world.listing.status == ListingStatus.NEGOTIATING and world.listing.negotiating_at
    assert set(AuditLog.objects.values_list("action", flat=True)) >= {"interest.accepted", "listing.negotiating"}
    note = Notification.objects.get(user=world.party, kind="interest_accepted")
    assert note.body == "欢迎来所面谈" and note.url.endswith(f"/{interest.pk}/")


def test_a_second_accepted_party_keeps_the_listing_in_negotiation(world):
    first = express(world)
    second = express(world, user=world.third)
    services.interest_accept(actor=world.owner, interest_id=first.pk)
    services.interest_accept(actor=world.owner_member, interest_id=second.pk)
    world.listing.refresh_from_db()
    assert world.listing.status == ListingStatus.NEGOTIATING
    # the first negotiation ends: another holds it 洽谈中; the last one ends: back on the market
    services.interest_close(actor=world.owner, interest_id=first.pk)
    world.listing.refresh_from_db()
    assert world.listing.status == ListingStatus.NEGOTIATING
    services.interest_withdraw(actor=world.third, interest_id=second.pk)
    world.listing.refresh_from_db()
    assert world.listing.status == ListingStatus.PUBLISHED
    assert AuditLog.objects.filter(action="listing.reopened").count() == 1


def test_declining_needs_an_answer(world):
    interest = express(world)
    with pytest.raises(ValidationFailed) as exc:
        services.interest_decline(actor=world.owner, interest_id=interest.pk, answer="  ")
    assert "answer" in exc.value.details
    services.interest_decline(actor=world.owner, interest_id=interest.pk, answer="暂不对外许可")
    interest.refresh_from_db()
    assert interest.status == S.DECLINED and interest.declined_at
    world.listing.refresh_from_db()
    assert world.listing.status == ListingStatus.PUBLISHED
    assert Notification.objects.filter(user=world.party, kind="interest_declined").exists()


def test_withdrawing_tells_the_owner_and_a_new_interest_may_follow(world):
    interest = express(world)
    services.interest_withdraw(actor=world.party_admin, interest_id=interest.pk)
    interest.refresh_from_db()
    assert interest.status == S.WITHDRAWN and interest.withdrawn_at
    assert Notification.objects.filter(user=world.owner, kind="interest_withdrawn").exists()
    again = express(world)
    assert again.pk != interest.pk and again.status == S.OPEN


# each transition from each state: allowed where the table says, 409 invalid_state elsewhere
STEPS = {
    "accept": lambda w, pk: services.interest_accept(actor=w.owner, interest_id=pk),
    "decline": lambda w, pk: services.interest_decline(actor=w.owner, interest_id=pk, answer="不合适"),
    "withdraw": lambda w, pk: services.interest_withdraw(actor=w.party, interest_id=pk),
    "close": lambda w, pk: services.interest_close(actor=w.owner, interest_id=pk),
}


@pytest.mark.parametrize("state", [s.value for s in S])
@pytest.mark.parametrize("step", list(STEPS))
def test_each_step_from_each_state(world, state, step):
    interest = express(world)
    Interest.objects.filter(pk=interest.pk).update(status=state)
    if state == S.ACCEPTED:
        Interest.objects.filter(pk=interest.pk).update(accepted_at=interest.created_at)
    allowed = state in INTEREST.transition(step).sources
    if allowed:
        STEPS[step](world, interest.pk)
        interest.refresh_from_db()
        assert interest.status == INTEREST.transition(step).target
    else:
        with pytest.raises(Conflict) as exc:
            STEPS[step](world, interest.pk)
        assert exc.value.code == "invalid_state" and exc.value.details["status"] == state


def test_the_table_allows_what_the_brief_says():
    assert INTEREST.transition("accept").sources == ("open",)
    assert INTEREST.transition("decline").sources == ("open",)
    assert set(INTEREST.transition("withdraw").sources) == {"open", "accepted"}
    assert INTEREST.transition("close").sources == ("accepted",)


def test_one_cannot_express_interest_in_ones_own_listing(world):
    with pytest.raises(ValidationFailed) as exc:
        express(world, user=world.owner_member)
    assert exc.value.code == "own_listing"


@pytest.mark.parametrize("status", [ListingStatus.WITHDRAWN, ListingStatus.EXPIRED, ListingStatus.DEALT])
def test_a_listing_off_the_market_takes_no_interest(world, status):
    listing = ListingFactory(organization=world.owner_org, status=status)
    with pytest.raises(Conflict) as exc:
        express(world, listing=listing)
    assert exc.value.code == "listing_not_open" and exc.value.details["status"] == status
    assert not Interest.objects.exists()


@pytest.mark.parametrize("status", [ListingStatus.DRAFT, ListingStatus.SUBMITTED, ListingStatus.APPROVED])
def test_a_listing_never_published_does_not_exist_for_outsiders(world, status):
    listing = ListingFactory(organization=world.owner_org, status=status, published_at=None)
    with pytest.raises(NotFound):
        express(world, listing=listing)
    with pytest.raises(NotFound):
        services.interest_express(actor=world.party, listing_id=2_000_000_000, message="x")


def test_a_second_live_interest_of_the_same_organisation_is_refused(world):
    first = express(world)
    with pytest.raises(Conflict) as exc:
        express(world, user=world.party_admin)
    assert exc.value.code == "interest_exists" and exc.value.details["interest_id"] == first.pk
    assert Interest.objects.count() == 1


def test_accepting_a_listing_that_left_the_market_is_refused(world):
    interest = express(world)
    world.listing.status = ListingStatus.WITHDRAWN
    world.listing.save()
    with pytest.raises(Conflict) as exc:
        services.interest_accept(actor=world.owner, interest_id=interest.pk)
    assert exc.value.code == "listing_not_open"
    interest.refresh_from_db()
    assert interest.status == S.OPEN and not AuditLog.objects.filter(action="interest.accepted").exists()


@pytest.mark.parametrize("bad", ["", "   ", "含\x00控制字符", "x" * 2001])
def test_the_message_is_required_clean_and_bounded(world, bad):
    with pytest.raises(ValidationFailed) as exc:
        express(world, message=bad)
    assert "message" in exc.value.details
    assert not Interest.objects.exists()


def test_who_may_express(world):
    with pytest.raises(NotAuthenticated):
        express(world, user=AnonymousUser())
    with pytest.raises(PermissionDenied):
        express(world, user=world.loner)  # no role at all
    with pytest.raises(PermissionDenied):
        express(world, user=world.expert)
    with pytest.raises(PermissionDenied) as exc:
        express(world, user=world.office)  # may, but acts for no organisation
    assert exc.value.code == "no_organization"


def test_contacts_are_revealed_to_the_party_only_on_acceptance(world):
    from nesta.market.selectors.listings import may_view_contact

    interest = express(world)
    view = selectors.interest_get(user=world.party, interest_id=interest.pk)
    assert not view.contacts_visible and not may_view_contact(world.party, world.listing)
    services.interest_accept(actor=world.owner, interest_id=interest.pk)
    view = selectors.interest_get(user=world.party, interest_id=interest.pk)
    assert view.contacts_visible and may_view_contact(world.party, world.listing)
    assert not may_view_contact(world.third, world.listing)
    services.interest_close(actor=world.owner, interest_id=interest.pk)
    view = selectors.interest_get(user=world.party, interest_id=interest.pk)
    assert not view.contacts_visible and not may_view_contact(world.party, world.listing)


def test_expressing_is_rate_limited_per_person(world):
    from nesta.core.errors import RateLimited
    from tests.market.factories import ListingFactory as LF

    listings = [LF(organization=world.owner_org) for _ in range(services.INTEREST_MOST + 1)]
    for listing in listings[:-1]:
        express(world, listing=listing)
    with pytest.raises(RateLimited) as exc:
        express(world, listing=listings[-1])
    assert exc.value.code == "too_many_interests"
    express(world, user=world.party_admin, listing=listings[-1])  # another person has their own allowance
