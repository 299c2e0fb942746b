"""The bidding API: statuses and codes, 401 before 422, the public state without the history
during the round, the history with bidder codes only after the close, times in +08:00."""

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from nesta.market.models import BiddingRound
from nesta.market.services import bidding as services
from tests.conftest import bearer
from tests.market.bidding.conftest import FLOOR, STEP, make_world

pytestmark = pytest.mark.django_db
API = "/api/v1/market"


@pytest.fixture
def w(reference):
    # created in the past (real clock), so that the round is open now
    return make_world(now=timezone.now() - timedelta(hours=3))


def post(client, url, user=None, body=None):
    headers = bearer(user) if user else {}
    return client.post(url, data=json.dumps(body or {}), content_type="application/json", **headers)


def get(client, url, user=None):
    return client.get(url, **(bearer(user) if user else {}))


def _live(w):
    return w.open_round(
        qualified=2,
        registration_deadline=w.now + timedelta(minutes=10),
        starts_at=w.now + timedelta(hours=2),
        ends_at=w.now + timedelta(hours=6),
    )


def test_anonymous_writes_are_401_before_validation(w):
    c = Client()
    rnd = _live(w)
    for url in (
        f"{API}/listings/{w.listing.pk}/bidding-rounds",
        f"{API}/listings/{w.listing.pk}/bids",
        f"{API}/bidding-rounds/{rnd.pk}/bids",
        f"{API}/bidding-rounds/{rnd.pk}/registrations",
        f"{API}/bidding-rounds/{rnd.pk}/close",
    ):
        r = c.post(url, data="{not json", content_type="application/json")
        assert r.status_code == 401, (url, r.content)
        assert r.json()["code"] == "not_authenticated"


def test_open_a_round_over_the_api(w, api_client):
    now = timezone.now()
    body = {
        "registration_deadline": (now + timedelta(days=1)).isoformat(),
        "starts_at": (now + timedelta(days=2)).isoformat(),
        "ends_at": (now + timedelta(days=2, hours=2)).isoformat(),
        "start_price": "5000000.00",
        "min_increment": "50000",
        "extend_minutes": 5,
    }
    url = f"{API}/listings/{w.listing.pk}/bidding-rounds"
    assert post(api_client, url, w.bidders[0], body).status_code == 403
    assert post(api_client, url, w.other_province, body).status_code == 403
    r = post(api_client, url, w.province, {**body, "start_price": "4999999.99"})
    assert r.status_code == 422 and r.json()["code"] == "start_price_below_floor", r.json()
    r = post(api_client, url, w.province, {**body, "extend_minutes": 31})
    assert r.status_code == 422
    r = post(api_client, url, w.province, {**body, "starts_at": "2026-12-01T09:00:00"})  # no time zone
    assert r.status_code == 422
    r = post(api_client, url, w.province, body)
    assert r.status_code == 201, r.json()
    data = r.json()
    assert data["status"] == "registering" and data["next_minimum"] == "5000000.00"
    assert data["starts_at"].endswith("+08:00") and data["history"] is None
    assert post(api_client, url, w.province, body).json()["code"] == "round_exists"


def test_registration_and_qualification_over_the_api(w, api_client):
    rnd = services.round_create(
        actor=w.province,
        listing_id=w.listing.pk,
        data=w.round_input(
            registration_deadline=timezone.now() + timedelta(hours=1),
            starts_at=timezone.now() + timedelta(hours=2),
            ends_at=timezone.now() + timedelta(hours=3),
        ),
        now=timezone.now(),
    )
    url = f"{API}/bidding-rounds/{rnd.pk}/registrations"
    assert post(api_client, url, w.seller).json()["code"] == "own_listing"
    r = post(api_client, url, w.bidders[0], {"note": "资信良好"})
    assert r.status_code == 201 and r.json()["status"] == "pending"
    reg_id = r.json()["id"]
    assert post(api_client, url, w.bidders[0]).status_code == 409
    r = post(api_client, url, w.bidders[1], {"note": "bad\x07"})
    assert r.status_code == 422
    assert get(api_client, url, w.bidders[0]).status_code == 403
    assert get(api_client, url).status_code == 401
    listing = get(api_client, url, w.province).json()
    assert [x["organization_name"] for x in listing] == [w.bidders[0].organization.name]
    assert post(api_client, f"{API}/bidding-registrations/{reg_id}/qualify", w.bidders[1]).status_code == 403
    r = post(api_client, f"{API}/bidding-registrations/{reg_id}/qualify", w.province)
    assert r.status_code == 200 and r.json()["bidder_code"] == "001"
    r = post(api_client, f"{API}/bidding-registrations/{reg_id}/reject", w.province, {"note": ""})
    assert r.status_code == 422
    r = post(api_client, f"{API}/bidding-registrations/{reg_id}/withdraw", w.bidders[0])
    assert r.status_code == 200 and r.json()["status"] == "withdrawn"
    assert post(api_client, f"{API}/bidding-registrations/{reg_id}/qualify", w.province).status_code == 409


def test_bids_state_and_history_over_the_api(w, api_client):
    rnd = _live(w)
    a, b, outsider = w.bidders
    r = post(api_client, f"{API}/listings/{w.listing.pk}/bids", a, {"amount": str(FLOOR)})
    assert r.status_code == 201, r.json()
    assert r.json()["bid"]["bidder_code"] == "001" and r.json()["round"]["status"] == "open"
    r = post(api_client, f"{API}/bidding-rounds/{rnd.pk}/bids", b, {"amount": str(FLOOR)})
    assert r.status_code == 409
    err = r.json()
    assert err["code"] == "outbid" and err["details"]["next_minimum"] == str(FLOOR + STEP)
    assert err["details"]["best_amount"] == str(FLOOR) and err["message"]
    assert post(api_client, f"{API}/bidding-rounds/{rnd.pk}/bids", b, {"amount": "-5"}).status_code == 422
    assert post(api_client, f"{API}/bidding-rounds/{rnd.pk}/bids", b, {"amount": "1e30"}).status_code == 422
    assert post(api_client, f"{API}/bidding-rounds/{rnd.pk}/bids", b, {"amount": True}).status_code == 422
    r = post(api_client, f"{API}/bidding-rounds/{rnd.pk}/bids", outsider, {"amount": str(FLOOR + STEP)})
    assert r.status_code == 403 and r.json()["code"] == "not_qualified"
    assert post(api_client, f"{API}/bidding-rounds/{rnd.pk}/bids", b, {"amount": str(FLOOR + STEP)}).status_code == 201
    # the public state during the round: figures, no history, no names
    state = get(api_client, f"{API}/bidding-rounds/{rnd.pk}").json()
    assert state["best_amount"] == str(FLOOR + STEP) and state["bid_count"] == 2
    assert state["next_minimum"] == str(FLOOR + 2 * STEP) and state["bidding_now"] is True
    assert state["history"] is None and state["ends_at"].endswith("+08:00")
    assert get(api_client, f"{API}/bidding-rounds/{rnd.pk}/bids").json()["code"] == "history_not_public"
    assert get(api_client, f"{API}/bidding-rounds/{rnd.pk}/bids", w.province).status_code == 200
    r = post(api_client, f"{API}/bidding-rounds/{rnd.pk}/close", w.province)
    assert r.status_code == 409 and r.json()["code"] == "round_not_ended"
    # after the close: the full history with bidder codes, times in 北京时间, the winner published
    BiddingRound.objects.filter(pk=rnd.pk).update(ends_at=timezone.now() - timedelta(seconds=1))
    r = post(api_client, f"{API}/bidding-rounds/{rnd.pk}/close", w.province)
    assert r.status_code == 200, r.json()
    done = get(api_client, f"{API}/bidding-rounds/{rnd.pk}").json()
    assert done["status"] == "closed" and done["outcome"] == "auction" and done["winner_code"] == "002"
    assert done["final_amount"] == str(FLOOR + STEP) and done["result_published_until"]
    assert [(h["bidder_code"], h["amount"]) for h in done["history"]] == [
        ("001", str(FLOOR)),
        ("002", str(FLOOR + STEP)),
    ]
    assert all(h["created_at"].endswith("+08:00") for h in done["history"])
    page = get(api_client, f"{API}/bidding-rounds/{rnd.pk}/bids?limit=1").json()
    assert len(page["items"]) == 1 and page["next_cursor"]
    body = json.dumps(done, ensure_ascii=False)
    assert a.organization.name not in json.dumps(done["history"], ensure_ascii=False) and "001" in body
    assert (
        post(api_client, f"{API}/listings/{w.listing.pk}/bids", a, {"amount": "9000000"}).json()["code"]
        == "no_open_round"
    )


def test_missing_and_out_of_range_ids(w, api_client):
    assert get(api_client, f"{API}/bidding-rounds/999999").status_code == 404
    assert get(api_client, f"{API}/bidding-rounds/99999999999").status_code == 422
    assert post(api_client, f"{API}/listings/999999/bids", w.bidders[0], {"amount": "1"}).status_code == 404
    assert get(api_client, f"{API}/bidding-rounds/1/bids?cursor=%%%").status_code in (400, 404)


def test_the_openapi_schema_describes_the_bidding_endpoints(client):
    schema = client.get("/api/v1/openapi.json").json()
    paths = schema["paths"]
    for path in (
        "/api/v1/market/listings/{listing_id}/bidding-rounds",
        "/api/v1/market/bidding-rounds/{round_id}",
        "/api/v1/market/bidding-rounds/{round_id}/bids",
        "/api/v1/market/listings/{listing_id}/bids",
        "/api/v1/market/bidding-rounds/{round_id}/registrations",
        "/api/v1/market/bidding-registrations/{registration_id}/qualify",
        "/api/v1/market/bidding-registrations/{registration_id}/reject",
        "/api/v1/market/bidding-rounds/{round_id}/close",
        "/api/v1/market/bidding-rounds/{round_id}/cancel",
    ):
        assert path in paths, path


def test_the_operators_list_of_rounds(w, api_client, django_assert_max_num_queries):
    mine = _live(w)
    other = make_world(now=timezone.now() - timedelta(hours=3))
    other.listing.province_id = other.other_province.role_assignments.get().province_id
    other.listing.save()
    theirs = services.round_create(
        actor=other.office, listing_id=other.listing.pk, data=other.round_input(), now=other.now
    )
    assert get(api_client, f"{API}/bidding-rounds").status_code == 401
    assert get(api_client, f"{API}/bidding-rounds", w.bidders[0]).status_code == 403
    with django_assert_max_num_queries(10):
        ids = [r["id"] for r in get(api_client, f"{API}/bidding-rounds", w.province).json()["items"]]
    assert ids == [mine.pk]
    ids = [r["id"] for r in get(api_client, f"{API}/bidding-rounds?live=true", w.office).json()["items"]]
    assert ids == [theirs.pk, mine.pk]
