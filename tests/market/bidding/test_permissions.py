"""Who may do what in bidding: the operator (office anywhere, a province in its own) runs rounds
and decides on registrations; people of an organisation register and bid for it, never for the
seller's; everyone else is refused (401 anonymous, 403 otherwise)."""

import pytest
from django.contrib.auth.models import AnonymousUser

from nesta.core.errors import NotAuthenticated, PermissionDenied
from nesta.market.services import bidding as services
from tests.factories import OrganizationFactory, UserFactory, grant

pytestmark = pytest.mark.django_db


def _actors(world):
    org = OrganizationFactory(province_code="210000", city_code="210100", kind="enterprise")
    return {
        "office": world.office,
        "province_same": world.province,
        "province_other": world.other_province,
        "org_admin": grant(UserFactory(organization=org), "org_admin", organization=org),
        "member": grant(UserFactory(organization=org), "member", organization=org),
        "instrument_manager": grant(UserFactory(organization=org), "instrument_manager", organization=org),
        "expert": grant(UserFactory(), "expert"),
        "seller": world.seller,
        "anonymous": AnonymousUser(),
    }


MANAGE = {"office", "province_same"}
REGISTER = {"org_admin", "member", "instrument_manager"}


def _outcome(call):
    try:
        call()
    except NotAuthenticated:
        return 401
    except PermissionDenied:
        return 403
    return "ok"


@pytest.mark.parametrize(
    "who",
    [
        "office",
        "province_same",
        "province_other",
        "org_admin",
        "member",
        "instrument_manager",
        "expert",
        "seller",
        "anonymous",
    ],
)
def test_the_matrix(world, who):
    actor = _actors(world)[who]
    expected_manage = "ok" if who in MANAGE else (401 if who == "anonymous" else 403)
    got = _outcome(
        lambda: services.round_create(actor=actor, listing_id=world.listing.pk, data=world.round_input(), now=world.now)
    )
    assert got == expected_manage
    rnd = world.open_round(qualified=0) if got != "ok" else world.listing.bidding_rounds.get()
    expected_register = "ok" if who in REGISTER else (401 if who == "anonymous" else 403)
    assert (
        _outcome(lambda: services.registration_create(actor=actor, round_id=rnd.pk, now=world.now)) == expected_register
    )
    helper = services.registration_create(actor=world.bidders[0], round_id=rnd.pk, now=world.now)
    got = _outcome(lambda: services.registration_qualify(actor=actor, registration_id=helper.pk, now=world.now))
    assert got == expected_manage
    got = _outcome(lambda: services.round_cancel(actor=actor, round_id=rnd.pk, reason="测试"))
    assert got == expected_manage
