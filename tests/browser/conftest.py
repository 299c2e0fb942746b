"""Browser tests: Playwright's sync API driving Debian's Chromium against pytest-django's live server.

No browser is downloaded (no `playwright install`): /usr/bin/chromium is used. Without it the tests
are skipped — except in CI (CI=true), where a missing browser is a failure.
"""

import pytest

from tests.playwright_fixtures import CHROMIUM, CHROMIUM_ARGS, SCREENSHOTS  # noqa: F401 (shared)


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
