"""Who may see and do what with an interest: the two parties (the interested organisation's
people, the listing's owner organisation's people), the operator (the office, the listing's
province) and everyone else, who is told the interest does not exist."""

import pytest
from django.contrib.auth.models import AnonymousUser

from nesta.core.errors import NotAuthenticated, NotFound, PermissionDenied
from nesta.market.models import Interest
from nesta.market.selectors import negotiation as selectors
from nesta.market.services import negotiation as services

PEOPLE = [
    "party",
    "party_admin",
    "owner",
    "owner_member",
    "office",
    "province_ln",
    "province_jl",
    "third",
    "expert",
    "loner",
    "anonymous",
]
SIDE = {
    "party": "party",
    "party_admin": "party",
    "owner": "owner",
    "owner_member": "owner",
    "office": "operator",
    "province_ln": "operator",  # the listing's province
}
ANSWERS = {"owner", "owner_member"}
WITHDRAWS = {"party", "party_admin"}


def person(world, name):
    return AnonymousUser() if name == "anonymous" else getattr(world, name)


@pytest.fixture
def interest(world):
    return services.interest_express(actor=world.party, listing_id=world.listing.pk, message="希望洽谈")


@pytest.mark.parametrize("name", PEOPLE)
def test_who_sees_the_interest_and_from_which_side(world, interest, name):
    user = person(world, name)
    if name in SIDE:
        assert selectors.interest_get(user=user, interest_id=interest.pk).side == SIDE[name]
    else:
        with pytest.raises(NotFound):
            selectors.interest_get(user=user, interest_id=interest.pk)


@pytest.mark.parametrize("name", PEOPLE)
def test_who_may_read_and_write_the_thread(world, interest, name, media):
    user = person(world, name)
    if name == "anonymous":
        with pytest.raises(NotAuthenticated):
            services.thread_post(actor=user, interest_id=interest.pk, body="你好")
    elif name not in SIDE:
        with pytest.raises(NotFound):
            services.thread_post(actor=user, interest_id=interest.pk, body="你好")
    elif SIDE[name] == "operator":
        with pytest.raises(PermissionDenied) as exc:
            services.thread_post(actor=user, interest_id=interest.pk, body="你好")
        assert exc.value.code == "read_only"
    else:
        message = services.thread_post(actor=user, interest_id=interest.pk, body="你好")
        assert message.author_organization_id == user.organization_id


@pytest.mark.parametrize("step", ["accept", "decline", "withdraw"])
@pytest.mark.parametrize("name", PEOPLE)
def test_who_may_take_each_step(world, interest, name, step):
    user = person(world, name)
    run = {
        "accept": lambda: services.interest_accept(actor=user, interest_id=interest.pk),
        "decline": lambda: services.interest_decline(actor=user, interest_id=interest.pk, answer="不合适"),
        "withdraw": lambda: services.interest_withdraw(actor=user, interest_id=interest.pk),
    }[step]
    allowed = ANSWERS if step in ("accept", "decline") else WITHDRAWS
    if name in allowed:
        run()
        interest.refresh_from_db()
        assert interest.status != Interest.Status.OPEN
        return
    expected = NotAuthenticated if name == "anonymous" else PermissionDenied if name in SIDE else NotFound
    with pytest.raises(expected):
        run()
    interest.refresh_from_db()
    assert interest.status == Interest.Status.OPEN


@pytest.mark.parametrize("name", PEOPLE)
def test_the_offered_steps_match_what_the_services_accept(world, interest, name):
    user = person(world, name)
    if name not in SIDE:
        return
    view = selectors.interest_get(user=user, interest_id=interest.pk)
    names = {t.name for t in view.transitions}
    if name in ANSWERS:
        assert names == {"accept", "decline"}
    elif name in WITHDRAWS:
        assert names == {"withdraw"}
    else:
        assert names == set()


def test_lists_hold_only_ones_own(world, interest):
    other = services.interest_express(actor=world.third, listing_id=world.listing.pk, message="我们也感兴趣")

    def ids(user, box="all"):
        return {v.interest.pk for v in selectors.interests_page(user=user, box=box).items}

    assert ids(world.party) == {interest.pk} == ids(world.party, "sent")
    assert ids(world.party, "received") == set()
    assert ids(world.owner) == {interest.pk, other.pk} == ids(world.owner, "received")
    assert ids(world.third) == {other.pk}
    assert ids(world.office, "oversee") == {interest.pk, other.pk}
    assert ids(world.province_ln, "oversee") == {interest.pk, other.pk}
    assert ids(world.province_jl, "oversee") == set()
    assert ids(world.province_jl) == set() and ids(world.office) == set()  # no organisation of their own
    assert ids(world.loner) == set() and ids(AnonymousUser()) == set()


def test_the_box_shows_the_owner_the_interests_and_others_only_their_own(world, interest):
    services.interest_express(actor=world.third, listing_id=world.listing.pk, message="我们也感兴趣")
    owner_box = selectors.box_state(user=world.owner, listing=world.listing)
    assert owner_box.is_owner and len(owner_box.received) == 2 and not owner_box.may_express
    party_box = selectors.box_state(user=world.party, listing=world.listing)
    assert party_box.mine.interest.pk == interest.pk and party_box.received == [] and not party_box.may_express
    assert party_box.reason == "live"
    fresh = selectors.box_state(user=world.expert, listing=world.listing)
    assert fresh.mine is None and fresh.received == [] and fresh.reason == "no_organization"
