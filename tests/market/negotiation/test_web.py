"""The negotiation pages: the box on a listing's page, 表达合作意向, 我的洽谈 (cards), the thread
(messages, documents, the Chinese-named download) and the steps; outsiders get 404."""

from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import reverse

from nesta.market.models import Interest, ListingStatus, ThreadMessage
from nesta.market.services import negotiation as services
from tests.market.negotiation.helpers import PDF, upload


def client_of(user=None):
    c = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    if user is not None:
        c.force_login(user)
    return c


@pytest.fixture
def interest(world):
    return services.interest_express(actor=world.party, listing_id=world.listing.pk, message="希望洽谈许可事宜")


def box(c, listing):
    r = c.get(reverse("market:negotiation_box", args=[listing.pk]), HTTP_HX_REQUEST="true")
    assert r.status_code == 200
    return r.content.decode()


def test_the_box_for_each_viewer(world, interest):
    assert "登录" in box(client_of(), world.listing) and "interest-form" not in box(client_of(), world.listing)
    third = box(client_of(world.third), world.listing)
    assert 'data-testid="interest-form"' in third and "希望洽谈许可事宜" not in third  # others' interests unseen
    party = box(client_of(world.party), world.listing)
    assert "待答复" in party and 'data-testid="interest-form"' not in party and "撤回" in party
    owner = box(client_of(world.owner), world.listing)
    assert world.party_org.name in owner and "希望洽谈许可事宜" in owner
    assert 'data-testid="interest-accept"' in owner and 'data-testid="interest-decline"' in owner
    # the buttons come back to the listing's page, not to the box's fragment
    assert f'value="{world.listing.get_absolute_url()}"' in owner
    office = box(client_of(world.office), world.listing)
    assert world.party_org.name in office and "interest-accept" not in office
    assert client_of(world.third).get(reverse("market:negotiation_box", args=[2_000_000_000])).status_code == 404


def test_the_box_is_included_on_the_listing_page(world):
    r = client_of(world.third).get(world.listing.get_absolute_url())
    assert r.status_code == 200
    assert reverse("market:negotiation_box", args=[world.listing.pk]) in r.content.decode()


def test_expressing_interest_on_the_web(world):
    c = client_of(world.third)
    url = reverse("market:interest_create", args=[world.listing.pk])
    assert c.get(url).status_code == 200
    r = c.post(url, {"message": "我方需要该技术用于汽车零部件"})
    interest = Interest.objects.get(organization=world.third_org)
    assert r.status_code == 302 and r["Location"] == reverse("market:interest_detail", args=[interest.pk])
    again = c.post(url, {"message": "再来一次"})
    assert again.status_code == 422 and "已对该信息表达过合作意向" in again.content.decode()
    bad = client_of(world.party_admin).post(url, {"message": "含\x1b控制字符"})
    assert bad.status_code == 422 and "控制字符" in bad.content.decode()
    own = client_of(world.owner).post(url, {"message": "自己的"})
    assert own.status_code == 422 and "本单位" in own.content.decode()
    assert client_of(world.office).get(url).status_code == 403
    assert client_of().get(url).status_code == 302  # to the login page


def test_accepting_on_the_web_reveals_the_contacts_on_the_thread(world, interest):
    thread_url = reverse("market:interest_detail", args=[interest.pk])
    page = client_of(world.party).get(thread_url).content.decode()
    assert "024-12345678" not in page and "对方接受意向后" in page
    r = client_of(world.owner).post(reverse("market:interest_accept", args=[interest.pk]), {"answer": "欢迎面谈"})
    assert r.status_code == 302
    world.listing.refresh_from_db()
    assert world.listing.status == ListingStatus.NEGOTIATING
    page = client_of(world.party).get(thread_url).content.decode()
    assert "024-12345678" in page and "欢迎面谈" in page and "已接受" in page
    r = client_of(world.owner).post(reverse("market:interest_decline", args=[interest.pk]), {"answer": "x"})
    assert r.status_code == 302  # a 409 becomes a message on the page it returns to
    assert Interest.objects.get(pk=interest.pk).status == "accepted"


@pytest.mark.parametrize("name", ["third", "province_jl", "expert", "loner"])
def test_outsiders_get_404_on_every_page_of_a_thread(world, interest, name, media):
    message = services.thread_post(actor=world.party, interest_id=interest.pk, attachment=upload("方案.pdf", PDF))
    c = client_of(getattr(world, name))
    for url in (
        reverse("market:interest_detail", args=[interest.pk]),
        reverse("market:thread_attachment", args=[interest.pk, message.pk]),
    ):
        assert c.get(url).status_code == 404
    assert c.post(reverse("market:thread_post", args=[interest.pk]), {"body": "x"}).status_code == 404
    assert c.post(reverse("market:interest_withdraw", args=[interest.pk])).status_code == 404
    assert ThreadMessage.objects.count() == 1
    anonymous = client_of().get(reverse("market:interest_detail", args=[interest.pk]))
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]


def test_messages_and_documents_on_the_thread_page(world, interest, media):
    party, owner = client_of(world.party), client_of(world.owner)
    post_url = reverse("market:thread_post", args=[interest.pk])
    r = party.post(post_url, {"body": "技术方案见附件", "attachment": upload("技术方案（终稿）.pdf", PDF)})
    assert r.status_code == 302
    message = ThreadMessage.objects.get()
    assert r["Location"].endswith(f"#m{message.pk}")
    page = owner.get(reverse("market:interest_detail", args=[interest.pk])).content.decode()
    assert "技术方案见附件" in page and "技术方案（终稿）.pdf" in page
    download = owner.get(reverse("market:thread_attachment", args=[interest.pk, message.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert f"filename*=UTF-8''{quote('技术方案（终稿）.pdf')}" in download["Content-Disposition"]
    bad = party.post(post_url, {"body": "", "attachment": upload("病毒.pdf", b"MZ\x90\x00")})
    assert bad.status_code == 422 and "文件内容与扩展名不符" in bad.content.decode()
    empty = party.post(post_url, {"body": "  "})
    assert empty.status_code == 422 and "请输入消息内容或选择附件" in empty.content.decode()
    control = party.post(post_url, {"body": "含\x1b控制"})
    assert control.status_code == 422
    assert ThreadMessage.objects.count() == 1
    office = client_of(world.office).get(reverse("market:interest_detail", args=[interest.pk])).content.decode()
    assert "技术方案见附件" in office and 'data-testid="thread-form"' not in office


def test_reading_the_thread_clears_the_unread_count(world, interest):
    services.thread_post(actor=world.party, interest_id=interest.pk, body="你好")
    listing_page = client_of(world.owner).get(reverse("market:my_negotiations")).content.decode()
    assert 'data-testid="interest-unread">1 条未读' in listing_page
    client_of(world.owner).get(reverse("market:interest_detail", args=[interest.pk]))
    page = client_of(world.owner).get(reverse("market:my_negotiations")).content.decode()
    assert 'data-testid="interest-unread"' not in page


def test_my_negotiations_shows_cards_of_both_sides_and_filters(world, interest):
    from tests.market.factories import ListingFactory

    theirs = ListingFactory(organization=world.party_org, title="新能源汽车电池需求")
    services.interest_express(actor=world.owner, listing_id=theirs.pk, message="我所可提供技术")
    c = client_of(world.owner)
    page = c.get(reverse("market:my_negotiations")).content.decode()
    assert page.count('data-testid="negotiation-card"') == 2
    assert "我方发出" in page and "我方收到" in page
    sent = c.get(reverse("market:my_negotiations") + "?box=sent", HTTP_HX_REQUEST="true").content.decode()
    assert sent.count('data-testid="negotiation-card"') == 1 and "新能源汽车电池需求" in sent
    assert "<html" not in sent  # the htmx partial
    assert client_of().get(reverse("market:my_negotiations")).status_code == 302


def test_my_negotiations_costs_the_same_whatever_it_holds(world, django_assert_max_num_queries):
    from tests.factories import OrganizationFactory, UserFactory, grant

    def add(n):
        for _ in range(n):
            org = OrganizationFactory(province_code="220000", city_code="220100")
            user = grant(UserFactory(organization=org), "member", organization=org)
            services.interest_express(actor=user, listing_id=world.listing.pk, message="希望洽谈")

    c = client_of(world.owner)
    add(2)
    c.get(reverse("market:my_negotiations"))
    with django_assert_max_num_queries(12) as few:
        c.get(reverse("market:my_negotiations"))
    add(10)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert c.get(reverse("market:my_negotiations")).content.decode().count('data-testid="negotiation-card"') == 12


@pytest.mark.parametrize(
    "path",
    [
        "/market/negotiations/99999999999999999999/",
        "/market/negotiations/0/",
        "/market/negotiations/1/messages/99999999999999999999/attachment/",
        "/market/listings/99999999999999999999/negotiation/",
        "/market/listings/99999999999999999999/interest/",
    ],
)
def test_ids_beyond_the_database_are_404(world, interest, path):
    assert client_of(world.party).get(path).status_code == 404


def test_the_owners_box_costs_the_same_whatever_it_holds(world, django_assert_max_num_queries):
    from tests.factories import OrganizationFactory, UserFactory, grant

    def add(n):
        for _ in range(n):
            org = OrganizationFactory(province_code="220000", city_code="220100")
            user = grant(UserFactory(organization=org), "member", organization=org)
            services.interest_express(actor=user, listing_id=world.listing.pk, message="希望洽谈")

    c = client_of(world.owner)
    add(2)
    box(c, world.listing)
    with django_assert_max_num_queries(12) as few:
        box(c, world.listing)
    add(8)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert box(c, world.listing).count('data-testid="interest"') == 10
