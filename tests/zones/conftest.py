"""Shared fixtures of the zones app's tests: two reference zones in two provinces and the people
around them (each part's own records are built in its test modules)."""

import pytest

from tests.factories import UserFactory, grant


@pytest.fixture
def zones(reference):
    from nesta.directory.models import Organization

    return {
        "shenyang": Organization.objects.get(reference_key="zone-shenyang"),
        "changchun": Organization.objects.get(reference_key="zone-changchun"),
    }


@pytest.fixture
def zone_people(zones, liaoning, jilin):
    """The 沈阳 zone's committee (org admin and member), the two provinces and the office."""
    sy, cc = zones["shenyang"], zones["changchun"]
    return {
        "committee": grant(UserFactory(organization=sy), "org_admin", organization=sy),
        "member": grant(UserFactory(organization=sy), "member", organization=sy),
        "other_committee": grant(UserFactory(organization=cc), "org_admin", organization=cc),
        "province": grant(UserFactory(), "province", province=liaoning),
        "jilin": grant(UserFactory(), "province", province=jilin),
        "office": grant(UserFactory(), "office"),
        "outsider": UserFactory(),
    }
