"""The market's own navigation: every main page carries it, and it offers each person what they may do."""

import pytest

from tests.factories import OrganizationFactory, UserFactory, grant

pytestmark = pytest.mark.django_db

PAGES = [  # the operator's bidding list (/market/bidding/) carries it too, tested with the operator
    "/market/",
    "/market/listings/mine/",
    "/market/negotiations/",
    "/market/contracts/",
    "/market/statistics/",
]


def _links(html: str) -> set[str]:
    start = html.index('data-testid="market-subnav"')
    nav = html[start : html.index("</nav>", start)]
    return {part.split('"', 1)[0] for part in nav.split('href="')[1:]}


@pytest.mark.parametrize("path", PAGES)
def test_each_main_page_of_the_market_carries_the_navigation(client, reference, path):
    org = OrganizationFactory()
    client.force_login(grant(UserFactory(organization=org), "member", organization=org))
    response = client.get(path)
    assert response.status_code == 200
    assert "/market/statistics/" in _links(response.content.decode())


def test_the_public_sees_search_bidding_statistics_and_verification_only(client, reference):
    links = _links(client.get("/market/").content.decode())
    assert {"/market/", "/market/statistics/", "/market/contracts/verify/"} <= links
    assert not links & {
        "/market/listings/mine/",
        "/market/listings/review/",
        "/market/contracts/queue/",
        "/market/bidding/",
    }


def test_an_operator_is_offered_the_review_queue_and_the_thesaurus(client, reference):
    client.force_login(grant(UserFactory(), "office"))
    links = _links(client.get("/market/").content.decode())
    assert {"/market/listings/review/", "/market/thesaurus/", "/market/contracts/queue/", "/market/bidding/"} <= links


def test_a_member_is_offered_their_listings_and_negotiations_not_the_review_queue(client, reference):
    org = OrganizationFactory()
    client.force_login(grant(UserFactory(organization=org), "member", organization=org))
    links = _links(client.get("/market/").content.decode())
    assert {"/market/listings/mine/", "/market/negotiations/", "/market/contracts/"} <= links
    assert "/market/listings/review/" not in links and "/market/thesaurus/" not in links


def test_the_operators_bidding_list_carries_the_navigation(client, reference):
    client.force_login(grant(UserFactory(), "office"))
    response = client.get("/market/bidding/")
    assert response.status_code == 200
    assert "/market/bidding/" in _links(response.content.decode())
