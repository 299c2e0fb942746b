"""The bidding pages: the box on a listing's page, registering and bidding by htmx, the public
round page (history hidden until the close), the operator's pages; query counts that do not grow."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from nesta.market.models import BidderRegistration, BiddingRound
from nesta.market.services import bidding as services
from tests.market.bidding.conftest import FLOOR, STEP, make_world

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def w(reference):
    return make_world(now=timezone.now() - timedelta(hours=3), bidders=4)


def _live(w, qualified=2):
    return w.open_round(
        qualified=qualified,
        registration_deadline=w.now + timedelta(minutes=10),
        starts_at=w.now + timedelta(hours=2),
        ends_at=w.now + timedelta(hours=6),
    )


def client_for(user=None):
    c = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    if user is not None:
        c.force_login(user)
    return c


def test_the_box_placeholder_shows_only_on_property_rights(w):
    from django.template.loader import render_to_string

    html = render_to_string("market/bidding/_detail_box.html", {"listing": w.listing})
    assert f"/market/listings/{w.listing.pk}/bidding/box/" in html
    w.listing.kind = "achievement"
    assert render_to_string("market/bidding/_detail_box.html", {"listing": w.listing}).strip() == ""


def test_the_box_during_a_round(w):
    rnd = _live(w)
    services.bid_place(actor=w.bidders[0], round_id=rnd.pk, amount=FLOOR)
    url = f"/market/listings/{w.listing.pk}/bidding/box/"
    html = client_for().get(url).content.decode()
    assert "竞价中" in html and "最低应价" in html and "5,050,000.00元" in html and "剩余" in html
    assert 'data-testid="bid-form"' not in html
    html = client_for(w.bidders[1]).get(url).content.decode()
    assert 'data-testid="bid-form"' in html and 'value="5050000.00"' in html and "竞买号" in html
    assert f'hx-get="/market/bidding/{rnd.pk}/state/?seen=open"' in html
    # the polled state; a changed status asks the box to reload
    r = client_for().get(f"/market/bidding/{rnd.pk}/state/?seen=registering")
    assert r.status_code == 200 and r["HX-Trigger"] == "bidding-changed"
    assert "HX-Trigger" not in client_for().get(f"/market/bidding/{rnd.pk}/state/?seen=open")


def test_bidding_by_htmx(w):
    rnd = _live(w)
    c = client_for(w.bidders[1])
    r = c.post(f"/market/bidding/{rnd.pk}/bid/", {"amount": str(FLOOR - 1)}, **HTMX)
    assert r.status_code == 422 and "出价低于当前最低应价" in r.content.decode()
    r = c.post(f"/market/bidding/{rnd.pk}/bid/", {"amount": str(FLOOR)}, **HTMX)
    assert r.status_code == 200 and "出价成功" in r.content.decode()
    r = c.post(f"/market/bidding/{rnd.pk}/bid/", {"amount": "abc"}, **HTMX)
    assert r.status_code == 422
    r = client_for(w.bidders[3]).post(f"/market/bidding/{rnd.pk}/bid/", {"amount": str(FLOOR + STEP)}, **HTMX)
    assert r.status_code == 422 and "不是本场竞价的合格竞买人" in r.content.decode()
    r = client_for().post(f"/market/bidding/{rnd.pk}/bid/", {"amount": str(FLOOR + STEP)})
    assert r.status_code == 302 and "/accounts/login/" in r["Location"]
    rnd.refresh_from_db()
    assert rnd.bid_count == 1


def test_registering_from_the_box(w):
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
    box = client_for(w.bidders[0]).get(f"/market/listings/{w.listing.pk}/bidding/box/").content.decode()
    assert "报名竞买" in box
    assert "报名竞买" not in client_for(w.seller).get(f"/market/listings/{w.listing.pk}/bidding/box/").content.decode()
    r = client_for(w.bidders[0]).post(f"/market/bidding/{rnd.pk}/register/", **HTMX)
    assert r.status_code == 200 and "待资格审核" in r.content.decode()
    r = client_for(w.seller).post(f"/market/bidding/{rnd.pk}/register/", **HTMX)
    assert r.status_code == 422
    assert BidderRegistration.objects.filter(round=rnd).count() == 1


def test_the_round_page_hides_the_history_until_the_close(w):
    rnd = _live(w)
    services.bid_place(actor=w.bidders[0], round_id=rnd.pk, amount=FLOOR)
    services.bid_place(actor=w.bidders[1], round_id=rnd.pk, amount=FLOOR + STEP)
    html = client_for().get(f"/market/bidding/{rnd.pk}/").content.decode()
    assert 'data-testid="history-hidden"' in html and 'data-testid="bid-history"' not in html
    BiddingRound.objects.filter(pk=rnd.pk).update(ends_at=timezone.now() - timedelta(seconds=1))
    services.bidding_rounds_tick()
    html = client_for().get(f"/market/bidding/{rnd.pk}/").content.decode()
    assert 'data-testid="bid-history"' in html and html.count('data-testid="bid-row"') == 2
    assert "竞价结果公示" in html and "公示期至" in html and "5,050,000.00元" in html
    assert w.bidders[1].organization.name in html  # the transferee is published in the result
    history = html.split('data-testid="bid-history"')[1]
    assert w.bidders[0].organization.name not in history and "001" in history


def test_the_operators_pages(w):
    rnd = _live(w, qualified=2)
    services.registration_create(actor=w.bidders[2], round_id=rnd.pk, now=w.now)
    assert client_for(w.bidders[0]).get(f"/market/bidding/{rnd.pk}/manage/").status_code == 403
    assert client_for(w.other_province).get(f"/market/bidding/{rnd.pk}/manage/").status_code == 403
    html = client_for(w.province).get(f"/market/bidding/{rnd.pk}/manage/").content.decode()
    assert html.count('data-testid="registration"') == 3 and w.bidders[2].organization.name in html
    # bidding has begun: no decisions on registrations, and no 结束竞价 before the end
    assert 'data-testid="registration-reject"' not in html and 'data-testid="round-close"' not in html
    assert 'data-testid="round-cancel"' in html
    assert client_for(w.province).get("/market/bidding/").status_code == 200
    assert client_for(w.bidders[0]).get("/market/bidding/").status_code == 403
    # 结束竞价 before the end is refused with a message; after it, the round closes
    c = client_for(w.province)
    r = c.post(f"/market/bidding/{rnd.pk}/close/")
    assert r.status_code == 302
    rnd.refresh_from_db()
    assert rnd.status == "open"
    BiddingRound.objects.filter(pk=rnd.pk).update(ends_at=timezone.now() - timedelta(seconds=1))
    assert 'data-testid="round-close"' in c.get(f"/market/bidding/{rnd.pk}/manage/").content.decode()
    c.post(f"/market/bidding/{rnd.pk}/close/")
    rnd.refresh_from_db()
    assert (rnd.status, rnd.outcome) == ("failed", "no_bids")


def test_opening_a_round_from_the_web(w):
    c = client_for(w.province)
    url = f"/market/listings/{w.listing.pk}/bidding/new/"
    assert c.get(url).status_code == 200
    assert client_for(w.bidders[0]).get(url).status_code == 403
    fmt = "%Y-%m-%dT%H:%M"
    local = timezone.localtime(timezone.now())
    form = {
        "registration_deadline": (local + timedelta(days=1)).strftime(fmt),
        "starts_at": (local + timedelta(days=2)).strftime(fmt),
        "ends_at": (local + timedelta(days=2, hours=1)).strftime(fmt),
        "start_price": "4000000",
        "min_increment": "50000",
        "extend_minutes": "5",
    }
    r = c.post(url, form)
    assert r.status_code == 422 and "挂牌底价" in r.content.decode()
    r = c.post(url, {**form, "start_price": "5000000"})
    assert r.status_code == 302
    assert BiddingRound.objects.filter(listing=w.listing, status="registering").count() == 1


def test_pages_take_a_constant_number_of_queries(w, django_assert_max_num_queries):
    rnd = _live(w, qualified=4)
    for k in range(12):
        services.bid_place(actor=w.bidders[k % 4], round_id=rnd.pk, amount=FLOOR + k * STEP)
    BiddingRound.objects.filter(pk=rnd.pk).update(ends_at=timezone.now() - timedelta(seconds=1))
    services.bidding_rounds_tick()
    anon, op = client_for(), client_for(w.province)
    with django_assert_max_num_queries(12):
        assert anon.get(f"/market/bidding/{rnd.pk}/").status_code == 200
    with django_assert_max_num_queries(20):
        assert op.get(f"/market/bidding/{rnd.pk}/manage/").status_code == 200
    with django_assert_max_num_queries(12):
        assert op.get("/market/bidding/").status_code == 200
    with django_assert_max_num_queries(12):
        assert anon.get(f"/api/v1/market/bidding-rounds/{rnd.pk}").status_code == 200


def test_a_bidder_withdraws_from_the_box(w):
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
    reg = services.registration_create(actor=w.bidders[0], round_id=rnd.pk)
    c = client_for(w.bidders[0])
    assert 'data-testid="withdraw-form"' in c.get(f"/market/listings/{w.listing.pk}/bidding/box/").content.decode()
    back = f"/market/listings/{w.listing.pk}/bidding/"
    r = c.post(f"/market/bidding/registrations/{reg.pk}/withdraw/", {"next": back})
    assert r.status_code == 302 and r["Location"] == back
    reg.refresh_from_db()
    assert reg.status == "withdrawn"
    # someone else's registration cannot be withdrawn by another bidder
    other = services.registration_create(actor=w.bidders[1], round_id=rnd.pk)
    assert client_for(w.bidders[2]).post(f"/market/bidding/registrations/{other.pk}/withdraw/").status_code == 403


@pytest.mark.parametrize(
    "over",
    [
        {"starts_at": "0001-01-01T00:00"},
        {"ends_at": "9999-12-31T23:59"},
        {"start_price": "1e999"},
        {"extend_minutes": "99999999999999999999"},
        {"min_increment": "-1"},
        {"deposit": "abc"},
    ],
)
def test_hostile_round_forms_are_refused_with_the_form(w, over):
    fmt = "%Y-%m-%dT%H:%M"
    local = timezone.localtime(timezone.now())
    form = {
        "registration_deadline": (local + timedelta(days=1)).strftime(fmt),
        "starts_at": (local + timedelta(days=2)).strftime(fmt),
        "ends_at": (local + timedelta(days=2, hours=1)).strftime(fmt),
        "start_price": "5000000",
        "min_increment": "50000",
        "extend_minutes": "5",
        **over,
    }
    r = client_for(w.province).post(f"/market/listings/{w.listing.pk}/bidding/new/", form)
    assert r.status_code == 422
    assert not BiddingRound.objects.exists()


def test_hostile_bids_and_notes_from_the_web(w):
    rnd = _live(w)
    c = client_for(w.bidders[0])
    for amount in ("1e999", "NaN", "-1", "5000000.001", "9" * 40):
        assert c.post(f"/market/bidding/{rnd.pk}/bid/", {"amount": amount}, **HTMX).status_code == 422, amount
    assert c.post("/market/bidding/999999/bid/", {"amount": "1"}).status_code == 404
    reg = rnd.registrations.first()
    r = client_for(w.province).post(f"/market/bidding/registrations/{reg.pk}/reject/", {"note": "坏\x00人"})
    assert r.status_code == 302  # refused with a message; the registration stands
    reg.refresh_from_db()
    assert reg.status == "qualified"
