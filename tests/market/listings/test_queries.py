"""My listings and the review queue read a constant number of queries, whatever the rows."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from nesta.market.models import ListingKind, ListingStatus
from tests.conftest import bearer
from tests.market.factories import DETAILS, ListingFactory

pytestmark = pytest.mark.django_db


def fill(org, n, status):
    kinds = ListingKind.values
    for i in range(n):
        kind = kinds[i % len(kinds)]
        ListingFactory(organization=org, status=status, kind=kind, details=dict(DETAILS[kind]))


def count(call) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = call()
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    ("who", "url", "status"),
    [
        ("member", "/market/listings/mine/", ListingStatus.DRAFT),
        ("province", "/market/listings/review/", ListingStatus.SUBMITTED),
    ],
)
def test_pages_do_not_grow_with_rows(users, django_assert_max_num_queries, who, url, status):
    client = Client()
    client.force_login(users[who])
    org = users["org_admin"].organization
    fill(org, 2, status)
    few = count(lambda: client.get(url))
    fill(org, 18, status)
    many = count(lambda: client.get(url))
    assert many == few, (few, many)
    with django_assert_max_num_queries(12):
        client.get(url)


def test_api_mine_does_not_grow_with_rows(api_client, users, django_assert_max_num_queries):
    headers = bearer(users["member"])
    org = users["org_admin"].organization
    fill(org, 2, ListingStatus.PUBLISHED)
    api_client.get("/api/v1/market/listings/mine", **headers)  # the token's first use is stamped once
    few = count(lambda: api_client.get("/api/v1/market/listings/mine", **headers))
    fill(org, 30, ListingStatus.PUBLISHED)
    many = count(lambda: api_client.get("/api/v1/market/listings/mine", **headers))
    assert many == few
    with django_assert_max_num_queries(6):
        api_client.get("/api/v1/market/listings/mine", **headers)
