"""The path the independent set takes: labelled listings posted through the API, taken through
the lifecycle, and scored from GET …/matches — the same ranking as the engine's, with sane
figures on a slice of the labelled set."""

import json
import random
from decimal import Decimal

import pytest

from bench.market.quality import evaluate, grades_of, read_set
from nesta.demo.market import listings as demo
from tests.conftest import bearer

pytestmark = pytest.mark.django_db
BASE = "/api/v1/market/listings"


def _post(client, url, body, user):
    r = client.post(url, data=json.dumps(body), content_type="application/json", **bearer(user))
    assert r.status_code in (200, 201), (url, r.json())
    return r.json()


def _body(kind: str, item: dict) -> dict:
    rng = random.Random(f"api-path:{item['id']}")
    if kind == "achievement":
        content = demo._achievement_listing(
            rng, item["field"], item["title"], item["summary"], item["keywords"], item["maturity"], item["ip_type"]
        )
    else:
        content = demo._demand_listing(rng, item["field"], item["title"], item["problem"], item["indicators"])
    body = {k: str(v) if isinstance(v, Decimal) else v for k, v in content.items() if v is not None}
    return {"kind": kind, "contact_name": "王工", "contact_phone": "024-12345678", **body}


def _publish(client, kind, item, owner, reviewer) -> int:
    pk = _post(client, BASE, _body(kind, item), owner)["id"]
    _post(client, f"{BASE}/{pk}/submit", {}, owner)
    _post(client, f"{BASE}/{pk}/approve", {"note": "同意"}, reviewer)
    assert _post(client, f"{BASE}/{pk}/publish", {}, owner)["status"] == "published"
    return pk


def test_a_slice_posted_through_the_api_is_scored_from_get_matches(api_client, users):
    from nesta.market.matching.engine import reset_caches, top_matches
    from nesta.market.models import Listing

    demands, achievements, judgments = read_set()
    demands = demands[1::12]
    wanted = {j["achievement"] for j in judgments if j["demand"] in {d["id"] for d in demands}}
    owner, reviewer = users["org_admin"], users["province"]
    by_pk = {
        _publish(api_client, "achievement", a, owner, reviewer): a["id"] for a in achievements if a["id"] in wanted
    }
    demand_pks = {d["id"]: _publish(api_client, "demand", d, owner, reviewer) for d in demands}
    reset_caches()
    rankings = {}
    for case, pk in demand_pks.items():
        r = api_client.get(f"{BASE}/{pk}/matches?limit=10")  # anonymous: a published demand is public
        assert r.status_code == 200, r.json()
        items = r.json()
        items = items["items"] if isinstance(items, dict) else items
        assert all(m["reasons"] and isinstance(m["score"], float) for m in items)
        ids = [m["listing"]["id"] for m in items]
        direct = [m.listing_id for m in top_matches(Listing.objects.get(pk=pk), limit=10)]
        assert ids == direct  # the API answers what the engine ranks
        rankings[case] = [by_pk.get(i, f"other:{i}") for i in ids]
    scores = evaluate(rankings, grades_of(judgments))
    assert scores["demands"] == len(demands)
    assert all(0 <= scores[m] <= 1 for m in ("recall", "mrr", "ndcg"))
    assert scores["recall"] > 0.5
