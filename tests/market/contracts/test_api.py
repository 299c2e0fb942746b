"""The contracts API: statuses and codes, scope of the list, the certificate, the public
verification, registration points; anonymous → 401 before validation; query counts."""

import json

import pytest

from nesta.market.models import TechContract
from nesta.market.services.contracts import contract_register, contract_submit
from tests.conftest import bearer
from tests.market.contracts.conftest import contract_data
from tests.market.contracts.pdf import pdf_text

BASE = "/api/v1/market"


def post(client, url, user=None, body=None):
    headers = bearer(user) if user else {}
    return client.post(url, data=json.dumps(body or {}), content_type="application/json", **headers)


def get(client, url, user=None):
    return client.get(url, **(bearer(user) if user else {}))


def test_submit_201_and_read_back(api_client, point, seller):
    r = post(api_client, f"{BASE}/contracts", seller, contract_data(point))
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["status"] == "submitted" and body["number"] is None and body["point"]["id"] == point.pk
    assert body["technology_amount"] == "800000.00"
    assert get(api_client, f"{BASE}/contracts/{body['id']}", seller).status_code == 200


def test_submit_422_carries_the_rules_code(api_client, point, seller):
    r = post(api_client, f"{BASE}/contracts", seller, contract_data(point, technology_amount="1000000.01"))
    assert r.status_code == 422
    body = r.json()
    assert body["code"] == "technology_amount_exceeds_total"
    assert body["details"]["codes"] == {"technology_amount": "technology_amount_exceeds_total"}
    assert body["details"]["technology_amount"]
    assert TechContract.objects.count() == 0


@pytest.mark.parametrize(
    ("extra", "code"),
    [
        ({"buyer_region": "000000"}, "buyer_region_unknown"),
        ({"buyer_country": "1234"}, "buyer_country_unknown"),
        ({"buyer_nature": "77"}, "buyer_nature_unknown"),
        ({"contract_type": "barter"}, "contract_type_unknown"),
        ({"valid_until": "2000-01-01"}, "valid_until_before_valid_from"),
        ({"signed_on": "2099-01-01"}, "signed_on_out_of_range"),
        ({"expected_output": "5"}, "expected_output_not_applicable"),
        ({"contract_amount": 1e15}, "contract_amount_too_large"),
        ({"name": "a\u0007b"}, "name_invalid"),
    ],
)
def test_submit_codes_over_http(api_client, point, seller, extra, code):
    r = post(api_client, f"{BASE}/contracts", seller, contract_data(point, **extra))
    assert r.status_code == 422 and r.json()["code"] == code, r.content


def test_anonymous_submit_is_401_before_validation(api_client):
    r = post(api_client, f"{BASE}/contracts", None, {"contract_amount": "x"})
    assert r.status_code == 401 and r.json()["code"] == "not_authenticated"


def test_malformed_types_are_422_not_500(api_client, point, seller):
    for body in ({"point_id": "x"}, {"non_technical_costs": "x"}, {"signed_on": 5}, {"point_id": 2**40}):
        r = post(api_client, f"{BASE}/contracts", seller, contract_data(point, **body))
        assert r.status_code == 422, (body, r.content)


def test_register_refuse_and_withdraw_endpoints(api_client, make_contract, staff, seller):
    a, b, c = make_contract(), make_contract(), make_contract()
    r = post(api_client, f"{BASE}/contracts/{a.pk}/register", staff)
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["status"] == "registered" and len(body["number"]) == 14
    assert body["verify_url"].startswith("http://") and body["verify_url"].endswith(
        f"/market/contracts/verify/{body['number']}/"
    )
    assert post(api_client, f"{BASE}/contracts/{a.pk}/register", staff).json()["code"] == "invalid_state"
    r = post(api_client, f"{BASE}/contracts/{b.pk}/refuse", staff, {"reasons": [], "note": ""})
    assert r.status_code == 422 and r.json()["code"] == "refusal_reasons_required"
    r = post(api_client, f"{BASE}/contracts/{b.pk}/refuse", staff, {"reasons": ["price_unclear"], "note": "价款未约定"})
    assert r.status_code == 200 and r.json()["refusal_reasons"] == ["price_unclear"]
    r = post(api_client, f"{BASE}/contracts/{c.pk}/withdraw", seller)
    assert r.status_code == 200 and r.json()["status"] == "withdrawn"


def test_decisions_by_others_are_403_and_anonymous_401(api_client, make_contract, seller):
    c = make_contract()
    assert post(api_client, f"{BASE}/contracts/{c.pk}/register", seller).status_code == 403
    assert post(api_client, f"{BASE}/contracts/{c.pk}/register").status_code == 401
    assert post(api_client, f"{BASE}/contracts/{c.pk}/refuse", None, {"reasons": 5}).status_code == 401
    assert post(api_client, f"{BASE}/contracts/999999/register", seller).status_code == 404


def test_list_scope(api_client, make_contract, staff, seller, users, point, org_jl):
    mine = make_contract()
    # another seller's contract at the same point
    jl_member = users["member"].__class__.objects.create(username="jl_member", organization=org_jl)
    from tests.factories import grant

    grant(jl_member, "member", organization=org_jl)
    theirs = contract_submit(
        actor=users["province"], data=contract_data(point, seller_name="沈阳另一研究所", seller_region="210100")
    )

    def ids(user, query=""):
        r = get(api_client, f"{BASE}/contracts{query}", user)
        assert r.status_code == 200, r.content
        return {x["id"] for x in r.json()["items"]}

    assert ids(staff) == {mine.pk, theirs.pk}  # the point sees its queue
    assert ids(seller) == {mine.pk}  # the seller its own
    assert ids(users["office"]) == {mine.pk, theirs.pk}
    assert ids(jl_member) == set()
    assert ids(users["expert"]) == set()
    assert get(api_client, f"{BASE}/contracts/{mine.pk}", jl_member).status_code == 404
    assert get(api_client, f"{BASE}/contracts").status_code == 401
    assert ids(staff, "?status=registered") == set()
    assert ids(staff, "?mine=true") == set()


def test_list_pages_with_a_cursor_and_constant_queries(api_client, make_contract, staff, django_assert_max_num_queries):
    for _ in range(5):
        make_contract()
    headers = bearer(staff)
    with django_assert_max_num_queries(8):
        r = api_client.get(f"{BASE}/contracts?limit=2", **headers)
    first = r.json()
    assert len(first["items"]) == 2 and first["next_cursor"]
    for _ in range(10):
        make_contract()
    with django_assert_max_num_queries(8):
        r = api_client.get(f"{BASE}/contracts?limit=50", **headers)
    assert len(r.json()["items"]) == 15
    assert api_client.get(f"{BASE}/contracts?cursor=zzz", **headers).status_code == 400


def test_certificate_pdf(api_client, make_contract, staff, seller):
    c = make_contract()
    assert get(api_client, f"{BASE}/contracts/{c.pk}/certificate.pdf", seller).json()["code"] == "not_registered"
    done = contract_register(actor=staff, contract_id=c.pk)
    r = get(api_client, f"{BASE}/contracts/{c.pk}/certificate.pdf", seller)
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    assert r.content.startswith(b"%PDF-")
    text = pdf_text(r.content)
    assert done.number in text
    assert (
        "技术合同登记证明" in text
        and "1,000,000.00 元（100.00 万元）" in text
        and "800,000.00 元（80.00 万元）" in text
    )
    assert f"http://testserver/market/contracts/verify/{done.number}/" in text
    assert done.seller_name in text and done.buyer_name in text
    assert get(api_client, f"{BASE}/contracts/{c.pk}/certificate.pdf").status_code == 401


def test_public_verification(api_client, make_contract, staff):
    c = make_contract()
    pending = make_contract()
    done = contract_register(actor=staff, contract_id=c.pk)
    r = api_client.get(f"{BASE}/contracts/{done.number}/verify")
    assert r.status_code == 200
    assert r.json() == {
        "number": done.number,
        "contract_type": "dev_commissioned",
        "contract_type_display": "技术开发（委托）",
        "seller_name": done.seller_name,
        "buyer_name": done.buyer_name,
        "contract_amount": "1000000.00",
        "technology_amount": "800000.00",
        "registered_on": done.registered_at.astimezone(__import__("nesta.core.validators", fromlist=["x"]).LOCAL)
        .date()
        .isoformat(),
    }
    for unknown in (str(int(done.number) + 1).zfill(14), "1" * 14, "abc", "0" * 40, str(pending.pk)):
        r = api_client.get(f"{BASE}/contracts/{unknown}/verify")
        assert r.status_code == 404 and r.json()["code"] == "not_found", unknown


def test_registration_points_api(api_client, users, market_org, point):
    r = api_client.get(f"{BASE}/registration-points")
    assert r.status_code == 200 and [p["id"] for p in r.json()] == [point.pk]
    body = {
        "organization_id": market_org.pk,
        "name": "大连市登记点",
        "city": "210200",
        "point_code": "03",
        "decision_days": 20,
    }
    assert post(api_client, f"{BASE}/registration-points", None, body).status_code == 401
    assert post(api_client, f"{BASE}/registration-points", users["org_admin"], body).status_code == 403
    r = post(api_client, f"{BASE}/registration-points", users["province"], body)
    assert r.status_code == 201, r.content
    pid = r.json()["id"]
    r = post(api_client, f"{BASE}/registration-points", users["office"], body)
    assert r.status_code == 422 and r.json()["code"] == "point_code_taken"
    bad = dict(body, point_code="7", decision_days=0, city="110100")
    r = post(api_client, f"{BASE}/registration-points", users["office"], bad)
    assert r.status_code == 422 and set(r.json()["details"]["codes"].values()) == {
        "point_code_invalid",
        "decision_days_out_of_range",
        "city_unknown",
    }
    r = api_client.patch(
        f"{BASE}/registration-points/{pid}",
        data=json.dumps({"decision_days": 15}),
        content_type="application/json",
        **bearer(users["province"]),
    )
    assert r.status_code == 200 and r.json()["decision_days"] == 15
    r = get(api_client, f"{BASE}/registration-points/manage", users["office"])
    assert r.status_code == 200 and len(r.json()["items"]) == 2


def test_a_point_that_registered_keeps_its_code(api_client, make_contract, staff, users, point):
    contract_register(actor=staff, contract_id=make_contract().pk)
    r = api_client.patch(
        f"{BASE}/registration-points/{point.pk}",
        data=json.dumps({"point_code": "09"}),
        content_type="application/json",
        **bearer(users["office"]),
    )
    assert r.status_code == 422 and r.json()["code"] == "point_code_locked"


def test_a_points_organisation_must_be_a_technology_market(api_client, users, org_ln):
    body = {"organization_id": org_ln.pk, "name": "某登记点", "city": "210100", "point_code": "11"}
    r = post(api_client, f"{BASE}/registration-points", users["office"], body)
    assert r.status_code == 422 and r.json()["code"] == "organization_not_technology_market"


def test_the_certificate_reads_without_poppler_too(make_contract, staff):
    """The fallback reader (for machines without pdftotext) finds the same text."""
    from nesta.market.certificates import certificate_pdf
    from tests.market.contracts.pdf import _fallback

    done = contract_register(actor=staff, contract_id=make_contract().pk)
    data = certificate_pdf(done, verify_url=f"https://example.cn/market/contracts/verify/{done.number}/")
    text = _fallback(data)
    assert done.number in text and "技术合同登记证明" in text and "80.00 万元" in text
    assert b"/FontFile" in data  # the CJK font is embedded


@pytest.mark.parametrize(
    ("method", "url", "data"),
    [
        ("post", "/contracts", {"point_id": "many"}),
        ("post", "/contracts/1/register", {}),
        ("post", "/contracts/1/refuse", {"reasons": "all"}),
        ("post", "/contracts/1/withdraw", {}),
        ("get", "/contracts", {"limit": "all"}),
        ("get", "/contracts/1", {}),
        ("get", "/contracts/1/certificate.pdf", {}),
        ("post", "/registration-points", {"decision_days": "x"}),
        ("patch", "/registration-points/1", {"point_code": 5}),
        ("get", "/registration-points/manage", {"limit": 0}),
    ],
)
def test_anonymous_gets_401_before_validation(api_client, reference, method, url, data):
    if method == "get":
        r = api_client.get(BASE + url, data)
    else:
        r = getattr(api_client, method)(BASE + url, data=json.dumps(data), content_type="application/json")
    assert r.status_code == 401 and r.json()["code"] == "not_authenticated", r.content


def test_a_machine_without_a_cjk_font_answers_503(api_client, client, make_contract, staff, monkeypatch):
    from nesta.market import certificates

    def missing():
        raise certificates.FontMissing()

    monkeypatch.setattr(certificates, "cjk_font", missing)
    c = contract_register(actor=staff, contract_id=make_contract().pk)
    r = get(api_client, f"{BASE}/contracts/{c.pk}/certificate.pdf", staff)
    assert r.status_code == 503 and r.json()["code"] == "certificate_font_missing"
    client.force_login(staff)
    assert client.get(f"/market/contracts/{c.pk}/certificate.pdf").status_code == 503


def test_the_font_is_found_on_this_machine():
    from nesta.market.certificates import cjk_font

    font = cjk_font()
    assert font.path and font.index >= 0


def test_the_codes_are_documented_in_the_openapi_document(api_client):
    doc = api_client.get("/api/v1/openapi.json").json()
    submit = doc["paths"]["/api/v1/market/contracts"]["post"]["description"]
    for code in ("technology_amount_exceeds_total", "buyer_region_unknown", "expected_investment_required"):
        assert f"`{code}`" in submit
    assert "`point_code_taken`" in doc["paths"]["/api/v1/market/registration-points"]["post"]["description"]
    assert (
        "`refusal_reason_unknown`"
        in doc["paths"]["/api/v1/market/contracts/{contract_id}/refuse"]["post"]["description"]
    )
