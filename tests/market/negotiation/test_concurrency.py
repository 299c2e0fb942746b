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


def test_accepting_several_interests_at_once_moves_the_listing_once(transactional_db, reference):
    from nesta.core.models import AuditLog
    from nesta.market.models import ListingStatus

    owner_org = OrganizationFactory(province_code="210000", city_code="210100")
    owners = [grant(UserFactory(organization=owner_org), "member", organization=owner_org) for _ in range(4)]
    listing = ListingFactory(organization=owner_org, created_by=owners[0])
    interests = []
    for _ in range(4):
        org = OrganizationFactory(province_code="220000", city_code="220100", kind="enterprise")
        user = grant(UserFactory(organization=org), "member", organization=org)
        interests.append(services.interest_express(actor=user, listing_id=listing.pk, message="希望洽谈"))
    barrier = threading.Barrier(len(interests))

    def accept(pair):
        owner, interest = pair
        try:
            barrier.wait(timeout=30)
            services.interest_accept(actor=owner, interest_id=interest.pk)
            return "accepted"
        except Conflict as exc:
            return exc.code
        except ServiceUnavailable:
            return "busy"
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=len(interests)) as pool:
        results = list(pool.map(accept, zip(owners, interests, strict=True)))
    assert set(results) <= {"accepted", "busy"}, results
    listing.refresh_from_db()
    assert listing.status == ListingStatus.NEGOTIATING
    assert AuditLog.objects.filter(action="listing.negotiating").count() == 1
    assert Interest.objects.filter(status="accepted").count() == results.count("accepted")
