"""Hostile posts to the listing pages answer a form with errors (422) or a message, never a 500,
and save nothing."""

import pytest
from django.test import Client
from django.urls import reverse

from nesta.market.models import Listing, ListingStatus
from tests.market.factories import ListingFactory

pytestmark = pytest.mark.django_db
BASE_FORM = {
    "title": "外协数控加工需求",
    "summary": "需要外协加工一批铝合金壳体。",
    "field": "automotive",
    "province": "210000",
    "d_processes": ["cnc"],
}


@pytest.fixture
def web(users):
    c = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    c.force_login(users["org_admin"])
    return c


@pytest.mark.parametrize(
    "change",
    [
        {"title": "控制\x01字符"},
        {"summary": "\x1b[2J"},
        {"d_max_part_size_mm": "99999999999999999999"},
        {"d_max_part_size_mm": "0"},
        {"d_deadline": "9999-12-31"},
        {"d_deadline": "not-a-date"},
        {"valid_until": "1900-01-01"},
        {"price_low": "1e30"},
        {"price_low": "NaN"},
        {"price_high": "-1"},
        {"d_processes": ["teleport"]},
        {"d_precision_grade": "IT0"},
        {"field": "<script>"},
        {"city": "999999"},
        {"keywords": "、".join(f"词{i}" for i in range(30))},
    ],
)
def test_bad_posts_are_422_and_save_nothing(web, change):
    url = reverse("market:listing_create") + "?kind=outsourcing"
    response = web.post(url, {**BASE_FORM, **change})
    assert response.status_code == 422, change
    assert not Listing.objects.exists()


def test_the_valid_post_saves(web):
    response = web.post(reverse("market:listing_create") + "?kind=outsourcing", BASE_FORM)
    assert response.status_code == 302
    assert Listing.objects.get().details["processes"] == ["cnc"]


def test_a_post_without_a_kind_goes_back_to_the_choice(web):
    response = web.post(reverse("market:listing_create") + "?kind=<b>x</b>", BASE_FORM)
    assert response.status_code == 302 and response["Location"] == reverse("market:listing_create")


def test_steps_from_the_wrong_state_or_by_others_are_refused(users, web, org_jl):
    listing = ListingFactory(organization=users["org_admin"].organization, status=ListingStatus.PUBLISHED)
    response = web.post(reverse("market:listing_submit", args=[listing.pk]), follow=True)
    assert "不能提交" in response.content.decode()
    assert web.post(reverse("market:listing_approve", args=[listing.pk])).status_code == 403
    other = ListingFactory(organization=org_jl, status=ListingStatus.DRAFT)
    assert web.post(reverse("market:listing_submit", args=[other.pk])).status_code == 403
    assert web.get(reverse("market:listing_edit", args=[other.pk])).status_code == 404
    anonymous = Client().post(reverse("market:listing_withdraw", args=[listing.pk]))
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    assert Listing.objects.get(pk=listing.pk).status == ListingStatus.PUBLISHED


def test_import_page_refuses_junk_files(web):
    from django.core.files.uploadedfile import SimpleUploadedFile

    junk = SimpleUploadedFile("x.xlsx", b"not a workbook", content_type="application/octet-stream")
    response = web.post(reverse("market:listing_import"), {"file": junk})
    assert response.status_code == 422 and 'data-testid="import-error"' in response.content.decode()
