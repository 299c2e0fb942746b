"""One live interest per organisation and listing, however many of its people ask at once: one
wins, the others get a clean 409 interest_exists (the write lock and the partial unique constraint)."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import IntegrityError, connection, transaction

from nesta.core.errors import Conflict, ServiceUnavailable
from nesta.market.models import Interest
from nesta.market.services import negotiation as services
from tests.factories import OrganizationFactory, UserFactory, grant
from tests.market.factories import ListingFactory

CLIENTS = 8


@pytest.fixture
def contested(transactional_db, reference):
    owner_org = OrganizationFactory(province_code="210000", city_code="210100")
    party_org = OrganizationFactory(province_code="220000", city_code="220100", kind="enterprise")
    listing = ListingFactory(organization=owner_org)
    users = [
        grant(UserFactory(username=f"race{i}", organization=party_org), "member", organization=party_org)
        for i in range(CLIENTS)
    ]
    return listing, users


def test_concurrent_requests_of_one_organisation_make_one_interest(contested):
    listing, users = contested
    barrier = threading.Barrier(len(users))

    def attempt(user):
        try:
            barrier.wait(timeout=30)
            services.interest_express(actor=user, listing_id=listing.pk, message="希望洽谈")
            return "created"
        except Conflict as exc:
            return exc.code
        except ServiceUnavailable:
            return "busy"
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=len(users)) as pool:
        results = list(pool.map(attempt, users))
    assert results.count("created") == 1, results
    assert results.count("interest_exists") + results.count("busy") == CLIENTS - 1, results
    assert Interest.objects.filter(listing=listing).count() == 1


def test_the_database_itself_refuses_a_second_live_interest(contested):
    listing, users = contested
    Interest.objects.create(listing=listing, organization=users[0].organization, user=users[0], message="一")
    with pytest.raises(IntegrityError), transaction.atomic():
        Interest.objects.create(listing=listing, organization=users[1].organization, user=users[1], message="二")
    # a withdrawn one does not count
    Interest.objects.update(status=Interest.Status.WITHDRAWN)
    Interest.objects.create(listing=listing, organization=users[1].organization, user=users[1], message="三")
