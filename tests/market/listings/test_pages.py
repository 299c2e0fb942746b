"""The listing pages render: detail (public and draft), create (kind first, then each kind's
form), edit, my listings, the review queue, import; and the web posts go through the services."""

import pytest
from django.test import Client
from django.urls import reverse

from nesta.core.models import AuditLog
from nesta.market.models import Interest, Listing, ListingKind, ListingStatus
from nesta.market.services.listings import listing_create, listing_run
from tests.factories import UserFactory
from tests.market.factories import ListingFactory
from tests.market.listings.conftest import listing_data

pytestmark = pytest.mark.django_db


def client_for(user=None) -> Client:
    c = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    if user is not None:
        c.force_login(user)
    return c


def test_public_detail_shows_kind_fields_in_chinese_price_and_hides_contacts(users, org_ln):
    listing = ListingFactory(organization=org_ln, price_low=500000, price_high=500000)
    html = client_for().get(reverse("market:listing_detail", args=[listing.pk])).content.decode()
    assert listing.title in html
    assert "转化方式" in html and "许可" in html  # details in Chinese words
    assert "50万元" in html
    assert "已发布" in html
    assert "接受意向后可见" in html and "024-12345678" not in html
    for box in ("matching", "negotiation", "bidding"):
        assert box  # the three boxes are included (their templates render empty until filled)


def test_owner_and_accepted_party_see_contacts(users, org_ln, org_jl):
    listing = ListingFactory(organization=org_ln)
    url = reverse("market:listing_detail", args=[listing.pk])
    assert "024-12345678" in client_for(users["member"]).get(url).content.decode()
    outsider = UserFactory(username="jl_person", organization=org_jl)
    assert "024-12345678" not in client_for(outsider).get(url).content.decode()
    Interest.objects.create(listing=listing, organization=org_jl, user=outsider, message="感兴趣", status="accepted")
    assert "024-12345678" in client_for(outsider).get(url).content.decode()


def test_drafts_are_not_found_for_the_public(users, org_ln):
    listing = ListingFactory(organization=org_ln, status=ListingStatus.DRAFT)
    url = reverse("market:listing_detail", args=[listing.pk])
    assert client_for().get(url).status_code == 404
    assert client_for(users["member"]).get(url).status_code == 200
    assert client_for(users["province"]).get(url).status_code == 200


def test_create_starts_with_the_kind_then_shows_its_fields(users):
    c = client_for(users["org_admin"])
    html = c.get(reverse("market:listing_create")).content.decode()
    assert 'data-testid="kind-choices"' in html
    for kind in ListingKind.values:
        page = c.get(reverse("market:listing_create") + f"?kind={kind}")
        assert page.status_code == 200, kind
    html = c.get(reverse("market:listing_create") + "?kind=demand").content.decode()
    assert "需求描述（企业原话）" in html and 'type="checkbox"' in html  # cooperation modes as checkboxes


def test_create_posts_through_the_service_and_errors_land_on_fields(users):
    c = client_for(users["org_admin"])
    url = reverse("market:listing_create") + "?kind=demand"
    form = {
        "title": "铸件砂眼问题求解",
        "summary": "我们的铸件表面老是有砂眼，合格率只有八成。",
        "keywords": "铸造 砂眼",
        "field": "automotive",
        "province": "210000",
        "city": "210100",
        "contact_phone": "13812345678",
        "price_high": "30",
        "d_problem": "铸件表面老是有砂眼，合格率只有八成",
        "d_cooperation_modes": ["commissioned", "cooperative"],
    }
    response = c.post(url, form)
    assert response.status_code == 302, response.content.decode()[:2000]
    listing = Listing.objects.get(title="铸件砂眼问题求解")
    assert listing.kind == "demand" and listing.price_high == 300000  # 30 万元
    assert listing.details["cooperation_modes"] == ["commissioned", "cooperative"]
    bad = c.post(url, {**form, "city": "220100", "contact_phone": "12"})
    assert bad.status_code == 422
    html = bad.content.decode()
    assert ("不属于" in html or "有效的选项" in html) and "电话格式有误" in html


def test_edit_page_and_on_market_fields_locked(users, org_ln):
    listing = listing_create(actor=users["org_admin"], data=listing_data())
    c = client_for(users["org_admin"])
    url = reverse("market:listing_edit", args=[listing.pk])
    assert c.get(url).status_code == 200
    for step, who in (("submit", "org_admin"), ("approve", "province"), ("publish", "org_admin")):
        listing_run(step, actor=users[who], listing_id=listing.pk)
    html = c.get(url).content.decode()
    assert "只能修改标题" in html and "disabled" in html


def test_my_listings_and_review_queue_render(users, org_ln):
    listing = listing_create(actor=users["org_admin"], data=listing_data())
    listing_run("submit", actor=users["org_admin"], listing_id=listing.pk)
    mine = client_for(users["member"]).get(reverse("market:my_listings")).content.decode()
    assert listing.title in mine and "已提交" in mine
    assert client_for(users["member"]).get(reverse("market:review_queue")).status_code == 403
    queue = client_for(users["province"]).get(reverse("market:review_queue")).content.decode()
    assert 'data-testid="review-item"' in queue


def test_review_buttons_approve_and_return_with_reason(users, org_ln):
    a = listing_create(actor=users["org_admin"], data=listing_data())
    b = listing_create(actor=users["org_admin"], data=listing_data(title="另一项成果"))
    for x in (a, b):
        listing_run("submit", actor=users["org_admin"], listing_id=x.pk)
    c = client_for(users["province"])
    c.post(reverse("market:listing_approve", args=[a.pk]))
    assert Listing.objects.get(pk=a.pk).status == "approved"
    c.post(reverse("market:listing_return", args=[b.pk]), {"reason": ""})
    assert Listing.objects.get(pk=b.pk).status == "submitted"  # a reason is required
    c.post(reverse("market:listing_return", args=[b.pk]), {"reason": "请补充知识产权号码"})
    b = Listing.objects.get(pk=b.pk)
    assert b.status == "draft" and b.review_note == "请补充知识产权号码"
    assert AuditLog.objects.filter(action="listing.returned", object_id=str(b.pk)).exists()


def test_import_page_and_downloads(users):
    c = client_for(users["org_admin"])
    assert c.get(reverse("market:listing_import")).status_code == 200
    template = c.get(reverse("market:listing_import_template") + "?kind=achievement")
    assert template.status_code == 200 and template["Content-Type"].startswith("application/vnd.openxml")
    export = c.get(reverse("market:listing_export"))
    assert export.status_code == 200
    assert client_for(users["member"]).get(reverse("market:listing_import")).status_code == 403


def test_office_posts_a_property_right_for_an_organisation_in_wan_yuan(users, org_ln):
    c = client_for(users["office"])
    url = reverse("market:listing_create") + "?kind=property_right"
    assert "发布单位" in c.get(url).content.decode()
    form = {
        "organization": str(org_ln.pk),
        "title": "某公司30%股权转让",
        "summary": "国有控股企业股权转让。",
        "field": "automotive",
        "province": "210000",
        "price_low": "500",
        "d_asset": "某公司30%股权",
        "d_asset_type": "equity",
        "d_appraised_value": "500",
        "d_relisting": "0",
    }
    response = c.post(url, form)
    assert response.status_code == 302, response.content.decode()[-3000:]
    listing = Listing.objects.get(title="某公司30%股权转让")
    assert listing.organization_id == org_ln.pk and listing.price_low == 5000000
    assert listing.details["appraised_value"] == "5000000.00"
    edit = c.get(reverse("market:listing_edit", args=[listing.pk])).content.decode()
    assert 'value="500"' in edit  # shown again in 万元
    bad = c.post(
        url, {**form, "d_state_owned": "on", "d_disclosure_start": "2027-01-04", "d_disclosure_end": "2027-01-08"}
    )
    assert bad.status_code == 422 and "不少于 20 个工作日" in bad.content.decode()


def test_detail_page_includes_the_three_boxes(users, org_ln):
    listing = ListingFactory(organization=org_ln)
    response = client_for().get(reverse("market:listing_detail", args=[listing.pk]))
    used = {t.name for t in response.templates}
    assert {
        "market/matching/_detail_box.html",
        "market/negotiation/_detail_box.html",
        "market/bidding/_detail_box.html",
    } <= used


def test_my_listings_cards_offer_the_next_step(users, org_ln):
    listing = listing_create(actor=users["org_admin"], data=listing_data())
    c = client_for(users["org_admin"])
    html = c.get(reverse("market:my_listings")).content.decode()
    assert 'data-testid="card-submit"' in html
    response = c.post(reverse("market:listing_submit", args=[listing.pk]), {"next": reverse("market:my_listings")})
    assert response["Location"] == reverse("market:my_listings")
    assert Listing.objects.get(pk=listing.pk).status == "submitted"


def test_import_page_checks_then_imports(users):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["类别", "标题", "简介", "所属领域", "服务类型"])
    wb.active.append(["科技服务", "知识产权代理服务", "专利申请与布局。", "automotive", "知识产权代理"])
    out = io.BytesIO()
    wb.save(out)
    c = client_for(users["org_admin"])
    upload = SimpleUploadedFile("s.xlsx", out.getvalue())
    checked = c.post(reverse("market:listing_import"), {"file": upload, "dry_run": "on"})
    assert checked.status_code == 200 and 'data-testid="import-checked"' in checked.content.decode()
    assert not Listing.objects.exists()
    upload = SimpleUploadedFile("s.xlsx", out.getvalue())
    done = c.post(reverse("market:listing_import"), {"file": upload})
    assert done.status_code == 302 and Listing.objects.get().details["service_type"] == "ip_agency"


def test_a_returned_draft_shows_the_reason_on_its_form(users):
    listing = listing_create(actor=users["org_admin"], data=listing_data())
    listing_run("submit", actor=users["org_admin"], listing_id=listing.pk)
    listing_run("return", actor=users["province"], listing_id=listing.pk, reason="请补充应用案例")
    html = client_for(users["org_admin"]).get(reverse("market:listing_edit", args=[listing.pk])).content.decode()
    assert "请补充应用案例" in html
