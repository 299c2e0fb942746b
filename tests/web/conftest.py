"""Fixtures of the web UI tests: logged-in clients per role, a zone with members, indexed orgs."""

import pytest
from django.test import Client

from tests.factories import OrganizationFactory


@pytest.fixture
def client():
    """A browser-like client with no language preference (so the platform's Chinese default applies)."""
    return Client()


@pytest.fixture
def login_as(users):
    """login_as("office") → a client logged in as that role's user (from the shared `users` fixture)."""

    def make(role: str) -> Client:
        c = Client()
        c.force_login(users[role])
        return c

    return make


@pytest.fixture
def zone_sy(reference):
    from nesta.directory.models import Organization

    return Organization.objects.get(reference_key="zone-shenyang")


@pytest.fixture
def zone_members(zone_sy):
    return [
        OrganizationFactory(name="沈阳新松机器人自动化股份有限公司", kind="enterprise", zone=zone_sy),
        OrganizationFactory(name="中国科学院沈阳自动化研究所", zone=zone_sy),
    ]


@pytest.fixture
def indexed_orgs(users):
    """Organisations created through the service, so they are in the search index."""
    from nesta.directory.services import organization_create

    office = users["office"]
    data = [
        ("沈阳稀土永磁材料工程技术研究中心", "engineering_center", "210000", "210100", ["rare-earth-magnets"], False),
        ("大连高温合金新材料有限公司", "enterprise", "210000", "210200", ["superalloys"], True),
        ("长春稀土功能材料研究所", "research_institute", "220000", "220100", ["rare-earth-magnets"], False),
        ("哈尔滨风能装备有限公司", "enterprise", "230000", "230100", ["wind-energy"], True),
    ]
    return [
        organization_create(
            actor=office,
            data={"name": n, "kind": k, "province": p, "city": c, "fields": f, "is_private_tech_enterprise": priv},
        )
        for n, k, p, c, f, priv in data
    ]


def text(response) -> str:
    return response.content.decode()
