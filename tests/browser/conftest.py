"""Browser tests: Playwright's sync API driving Debian's Chromium against pytest-django's live server.

No browser is downloaded (no `playwright install`): /usr/bin/chromium is used. Without it the tests
are skipped — except in CI (CI=true), where a missing browser is a failure.
"""

import os
from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect

# Playwright's sync API runs an event loop in this thread; Django's ORM calls made by the tests
# themselves (fixtures) would otherwise be refused as "async unsafe".
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = os.environ.get("NESTA_SCREENSHOT_DIR", "/tmp")


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        reason = f"Chromium not found at {CHROMIUM} (apt-get install chromium fonts-noto-cjk)"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    """A fresh Chinese-locale page on the live server. Requests to any other host are blocked and
    recorded (`page.external_requests`); console errors are recorded too (`page.console_errors`)."""
    context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900}, base_url=live_server.url)
    own_host = urlparse(live_server.url).netloc
    external: list[str] = []
    errors: list[str] = []

    def guard(route):
        url = route.request.url
        if urlparse(url).netloc != own_host and not url.startswith(("data:", "blob:")):
            external.append(url)
            return route.abort()
        return route.continue_()

    context.route("**/*", guard)
    pg = context.new_page()
    pg.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    pg.set_default_timeout(10_000)
    # assertions wait as long as actions: on a loaded 2-core CI machine 5 s has been too short
    expect.set_options(timeout=10_000)
    pg.external_requests = external
    pg.console_errors = errors
    yield pg
    context.close()


@pytest.fixture
def site(transactional_db):
    """Reference data, a few organisations (through the services, so they are indexed) and users."""
    from django.core.management import call_command

    from nesta.core.models import Region
    from nesta.directory.models import Organization
    from nesta.directory.services import organization_create, person_create
    from tests.factories import UserFactory, grant

    call_command("load_reference", verbosity=0)
    office = grant(UserFactory(username="office_wang", display_name="王主任"), "office")
    ln = Region.objects.get(code="210000")
    province = grant(UserFactory(username="ln_li", display_name="李处长"), "province", province=ln)
    zone = Organization.objects.get(reference_key="zone-shenyang")
    orgs = {}
    for name, kind, prov, city, fields, in_zone, private in [
        ("中国科学院金属研究所", "research_institute", "210000", "210100", ["superalloys"], True, False),
        (
            "沈阳稀土永磁材料工程技术研究中心",
            "engineering_center",
            "210000",
            "210100",
            ["rare-earth-magnets"],
            True,
            False,
        ),
        ("长春稀土功能材料研究所", "research_institute", "220000", "220100", ["rare-earth-magnets"], False, False),
        ("哈尔滨风能装备有限公司", "enterprise", "230000", "230100", ["wind-energy"], False, True),
    ]:
        orgs[name] = organization_create(
            actor=office,
            data={
                "name": name,
                "kind": kind,
                "province": prov,
                "city": city,
                "fields": fields,
                "zone": zone.pk if in_zone else None,
                "is_private_tech_enterprise": private,
            },
        )
    person_create(
        actor=office,
        data={
            "name": "王建国",
            "title": "研究员",
            "organization": orgs["中国科学院金属研究所"].pk,
            "fields": ["superalloys"],
            "keywords": "高温合金",
            "expert": {"expertise": "镍基高温合金"},
        },
    )
    return {"office": office, "province": province, "zone": zone, "orgs": orgs, "password": "pass-2026-x"}


def login(page, username: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("form[action='/accounts/login/'] button[type=submit]")
    page.wait_for_load_state("networkidle")
