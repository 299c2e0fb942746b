"""The one Playwright browser of the test process (and a fresh page on the live server), for
every browser test in the tree: registered in tests/conftest.py, so each module that asks for
`browser` or `page` shares the same instance — a second sync_playwright() in one process fails
("Sync API inside the asyncio loop"), which a module defining or importing its own copy caused.

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
