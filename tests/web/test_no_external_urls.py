"""Deployments sit on government intranets: pages reference nothing outside the platform
(no CDN, no web font, no analytics) — except links that users typed into their own records."""

import re

import pytest

from tests.factories import OrganizationFactory
from tests.web.conftest import text

pytestmark = pytest.mark.django_db

URL = re.compile(r"""(?:https?:)?//[^\s"'<>)]+""", re.IGNORECASE)
ALLOWED_PREFIXES = ("http://testserver", "//testserver")


def external_urls(html: str, allowed: tuple[str, ...] = ()) -> list[str]:
    found = []
    for match in URL.finditer(html):
        url = match.group(0)
        if url.startswith(ALLOWED_PREFIXES + allowed):
            continue
        found.append(url)
    return found


PAGES = [
    "/",
    "/directory/organizations/",
    "/directory/organizations/?q=高新区",
    "/directory/zones/",
    "/directory/people/",
    "/instruments/",
    "/market/",
    "/projects/",
    "/cooperation/",
    "/strategy/",
    "/accounts/login/",
    "/nope/",
]


@pytest.mark.parametrize("path", PAGES)
def test_public_pages_have_no_external_urls(client, reference, path):
    assert external_urls(text(client.get(path))) == []


def test_pages_for_logged_in_users_have_no_external_urls(login_as, org_ln):
    c = login_as("office")
    for path in [
        "/",
        "/audit/",
        "/directory/organizations/new/",
        "/directory/people/new/",
        f"/directory/organizations/{org_ln.pk}/",
        f"/directory/organizations/{org_ln.pk}/edit/",
    ]:
        assert external_urls(text(c.get(path))) == [], path


def test_user_data_links_are_the_only_exception(client, reference):
    org = OrganizationFactory(website="https://www.example-institute.cn/")
    html = text(client.get(f"/directory/organizations/{org.pk}/"))
    assert external_urls(html, allowed=("https://www.example-institute.cn/",)) == []
    assert 'rel="nofollow noopener noreferrer"' in html


def test_static_assets_are_served_locally(client, reference):
    html = text(client.get("/"))
    assert "/static/bootstrap/css/bootstrap.min.css" in html
    assert "/static/bootstrap/js/bootstrap.bundle.min.js" in html
    assert "/static/css/nesta.css" in html
