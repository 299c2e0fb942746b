"""The negotiation API: statuses, error codes and shapes; 401 before validation; 404 for anyone
who may not know an interest exists; multipart documents and their download; query counts."""

import json
from urllib.parse import quote

import pytest
from django.test import Client

from nesta.market.models import Interest, ListingStatus
from nesta.market.services import negotiation as services
from tests.market.factories import ListingFactory
from tests.market.negotiation.helpers import PDF, upload

API = "/api/v1/market"


def client_of(user=None):
    c = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    if user is not None:
        c.force_login(user)
    return c


def express(c, listing, message="我们对该技术很感兴趣"):
    return c.post(f"{API}/listings/{listing.pk}/interests", {"message": message}, content_type="application/json")


def error(response, status, code=None):
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"code", "message", "details"} and body["message"]
    if code:
        assert body["code"] == code, body
    return body


@pytest.fixture
def opened(world):
    r = express(client_of(world.party), world.listing)
    assert r.status_code == 201, r.content
    return r.json()


def test_expressing_answers_201_with_the_interest(world, opened):
    assert opened["status"] == "open" and opened["side"] == "party" and opened["actions"] == ["withdraw"]
    assert opened["listing_id"] == world.listing.pk and opened["organization_name"] == world.party_org.name
    assert opened["contacts"] is None


@pytest.mark.parametrize("body", [{}, {"message": 5}, {"message": "x" * 5000}, "garbage"])
def test_anonymous_is_401_before_any_validation(world, body):
    c = client_of()
    data = body if isinstance(body, str) else json.dumps(body)
    r = c.post(f"{API}/listings/{world.listing.pk}/interests", data, content_type="application/json")
    error(r, 401, "not_authenticated")
    r = c.post(f"{API}/listings/{world.listing.pk}/interests", {"message": "multipart"})
    error(r, 401, "not_authenticated")  # before the media type is refused
    error(c.post(f"{API}/interests/1/accept", "{}", content_type="application/json"), 401)
    error(c.get(f"{API}/interests"), 401)
    error(c.get(f"{API}/interests/1/messages"), 401)


def test_the_refusals_have_their_codes(world, opened):
    party, owner = client_of(world.party), client_of(world.owner_member)
    error(express(party, world.listing), 409, "interest_exists")
    error(express(owner, world.listing), 422, "own_listing")
    dealt = ListingFactory(organization=world.owner_org, status=ListingStatus.DEALT)
    body = error(express(party, dealt), 409, "listing_not_open")
    assert body["details"]["status"] == "dealt"
    draft = ListingFactory(organization=world.owner_org, status=ListingStatus.DRAFT, published_at=None)
    error(express(party, draft), 404, "not_found")
    error(party.post(f"{API}/listings/2000000000/interests", {"message": "x"}, content_type="application/json"), 404)
    error(express(client_of(world.third), world.listing, message="含\x1b控制"), 422)
    error(express(client_of(world.third), world.listing, message="含\x00控制"), 400)  # NUL: the platform's guard
    error(express(client_of(world.third), world.listing, message=""), 422)
    r = party.post(f"{API}/listings/99999999999/interests", {"message": "x"}, content_type="application/json")
    assert r.status_code == 422  # beyond any id
    error(express(client_of(world.office), world.listing), 403, "no_organization")


@pytest.mark.parametrize("name", ["third", "province_jl", "expert", "loner"])
def test_outsiders_get_404_for_everything_of_an_interest(world, opened, name, media):
    c, pk = client_of(getattr(world, name)), opened["id"]
    missing = 2_000_000_000
    for path in (f"/interests/{pk}", f"/interests/{pk}/messages", f"/interests/{pk}/messages/1/attachment"):
        error(c.get(API + path), 404, "not_found")
        assert c.get(API + path).json() == c.get(API + path.replace(str(pk), str(missing), 1)).json()
    error(c.post(f"{API}/interests/{pk}/messages", {"body": "hi"}), 404)
    error(c.post(f"{API}/interests/{pk}/accept", "{}", content_type="application/json"), 404)
    error(c.post(f"{API}/interests/{pk}/withdraw"), 404)
    assert Interest.objects.get(pk=pk).status == "open"


def test_answering_and_the_contacts(world, opened):
    pk, party, owner = opened["id"], client_of(world.party), client_of(world.owner)
    error(owner.post(f"{API}/interests/{pk}/decline", "{}", content_type="application/json"), 422)
    error(party.post(f"{API}/interests/{pk}/accept", "{}", content_type="application/json"), 403)
    error(owner.post(f"{API}/interests/{pk}/withdraw"), 403)
    error(owner.post(f"{API}/interests/{pk}/accept", {"answer": "x"}), 415, "unsupported_media_type")  # multipart
    r = owner.post(f"{API}/interests/{pk}/accept", content_type="application/json")  # no body: the answer is optional
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "accepted" and r.json()["listing_status"] == "negotiating"
    assert r.json()["actions"] == ["close"] and r.json()["contacts"]["phone"] == world.listing.contact_phone
    seen = party.get(f"{API}/interests/{pk}").json()
    assert seen["contacts"] == {"name": "王工", "phone": "024-12345678", "email": "contact@example.cn"}
    body = error(owner.post(f"{API}/interests/{pk}/accept", "{}", content_type="application/json"), 409)
    assert body["code"] == "invalid_state" and body["details"]["status"] == "accepted"


def test_lists_filters_and_paging(world, opened):
    services.interest_express(actor=world.third, listing_id=world.listing.pk, message="我们也感兴趣")
    owner = client_of(world.owner)
    page = owner.get(f"{API}/interests?box=received&limit=1").json()
    assert len(page["items"]) == 1 and page["next_cursor"]
    rest = owner.get(f"{API}/interests?box=received&limit=1&cursor={page['next_cursor']}").json()
    assert len(rest["items"]) == 1 and rest["items"][0]["id"] != page["items"][0]["id"] and not rest["next_cursor"]
    assert owner.get(f"{API}/interests?box=sent").json()["items"] == []
    assert len(owner.get(f"{API}/interests?status=open").json()["items"]) == 2
    assert owner.get(f"{API}/interests?status=accepted").json()["items"] == []
    assert len(owner.get(f"{API}/interests?listing_id={world.listing.pk}").json()["items"]) == 2
    error(owner.get(f"{API}/interests?cursor=not-a-cursor"), 400, "invalid_cursor")
    error(owner.get(f"{API}/interests?box=everything"), 422)
    error(owner.get(f"{API}/interests?limit=1000"), 422)
    error(owner.get(f"{API}/interests?listing_id=99999999999"), 422)
    assert len(client_of(world.province_ln).get(f"{API}/interests?box=oversee").json()["items"]) == 2
    assert client_of(world.province_jl).get(f"{API}/interests?box=oversee").json()["items"] == []


def test_messages_as_multipart_and_json_and_the_download(world, opened, media):
    pk, party, owner = opened["id"], client_of(world.party), client_of(world.owner)
    r = party.post(f"{API}/interests/{pk}/messages", {"body": "方案见附件", "attachment": upload("技术方案.pdf", PDF)})
    assert r.status_code == 201, r.content
    message = r.json()
    assert message["side"] == "party" and message["attachment"]["name"] == "技术方案.pdf"
    assert message["attachment"]["content_type"] == "application/pdf"
    r = owner.post(f"{API}/interests/{pk}/messages", {"body": "收到，谢谢"}, content_type="application/json")
    assert r.status_code == 201 and r.json()["side"] == "owner"
    listed = party.get(f"{API}/interests/{pk}/messages").json()
    assert [m["body"] for m in listed["items"]] == ["方案见附件", "收到，谢谢"]
    download = owner.get(message["attachment"]["url"])
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert download["Content-Type"] == "application/pdf"
    assert f"filename*=UTF-8''{quote('技术方案.pdf')}" in download["Content-Disposition"]
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["Cache-Control"] == "private, no-store"
    office = client_of(world.office)
    assert office.get(message["attachment"]["url"]).status_code == 200  # the operator reads
    error(office.post(f"{API}/interests/{pk}/messages", {"body": "x"}), 403, "read_only")
    assert party.get(f"{API}/interests/{pk}").json()["unread"] == 1
    assert party.post(f"{API}/interests/{pk}/read").json() == {"unread": 0}
    assert party.get(f"{API}/interests/{pk}").json()["unread"] == 0


@pytest.mark.parametrize(
    "data,content_type",
    [
        ({"body": "含\x0b控制"}, "application/json"),
        ({"body": ""}, "application/json"),
        ({"body": "x" * 4001}, "application/json"),
        ({"body": "含\x1b控制"}, None),
        ({"body": "附件", "attachment": upload("假.pdf", b"MZ\x90\x00")}, None),
        ({"body": "", "attachment": upload("名\u202efdp.exe", PDF)}, None),
        ({}, None),
    ],
)
def test_hostile_messages_are_422(world, opened, media, data, content_type):
    c = client_of(world.party)
    url = f"{API}/interests/{opened['id']}/messages"
    r = c.post(url, json.dumps(data), content_type=content_type) if content_type else c.post(url, data)
    error(r, 422)
    assert c.get(url).json()["items"] == []


@pytest.mark.parametrize("content_type", ["text/plain", "application/xml", "application/octet-stream"])
def test_a_message_of_another_media_type_is_415(world, opened, content_type):
    r = client_of(world.party).post(f"{API}/interests/{opened['id']}/messages", "body=x", content_type=content_type)
    error(r, 415, "unsupported_media_type")


@pytest.mark.parametrize("raw", ["{not json", "[1, 2]", "null", '"x"'])
def test_a_malformed_json_body_is_400(world, opened, raw):
    r = client_of(world.party).post(f"{API}/interests/{opened['id']}/messages", raw, content_type="application/json")
    error(r, 400, "invalid_json")


def test_the_list_costs_the_same_whatever_it_holds(world, django_assert_max_num_queries):
    from tests.factories import OrganizationFactory, UserFactory, grant

    def add(n):
        for _ in range(n):
            org = OrganizationFactory(province_code="220000", city_code="220100")
            user = grant(UserFactory(organization=org), "member", organization=org)
            interest = services.interest_express(actor=user, listing_id=world.listing.pk, message="希望洽谈")
            services.thread_post(actor=user, interest_id=interest.pk, body="你好")

    owner = client_of(world.owner)
    add(2)
    owner.get(f"{API}/interests")  # the session and grants once
    with django_assert_max_num_queries(8) as few:
        assert len(owner.get(f"{API}/interests").json()["items"]) == 2
    add(10)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(owner.get(f"{API}/interests").json()["items"]) == 12
