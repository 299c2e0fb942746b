"""Shared fixtures: reference data, users of every role, API clients."""

import pytest
from django.test import Client

from tests.factories import OrganizationFactory, UserFactory, grant


@pytest.fixture
def reference(db):
    """The Action's reference data, loaded as `make run` loads it."""
    from django.core.management import call_command

    call_command("load_reference", verbosity=0)


@pytest.fixture
def liaoning(reference):
    from nesta.core.models import Region

    return Region.objects.get(code="210000")


@pytest.fixture
def jilin(reference):
    from nesta.core.models import Region

    return Region.objects.get(code="220000")


@pytest.fixture
def org_ln(reference):
    """An organisation in Liaoning (沈阳)."""
    return OrganizationFactory(province_code="210000", city_code="210100")


@pytest.fixture
def org_jl(reference):
    """An organisation in Jilin (长春)."""
    return OrganizationFactory(province_code="220000", city_code="220100")


@pytest.fixture
def users(reference, org_ln, org_jl):
    """One user per role; organisation roles sit in org_ln, the province role in Liaoning."""
    from nesta.core.models import Region

    ln = Region.objects.get(code="210000")
    result = {
        "office": grant(UserFactory(username="t_office"), "office"),
        "province": grant(UserFactory(username="t_province"), "province", province=ln),
        "org_admin": grant(UserFactory(username="t_admin", organization=org_ln), "org_admin", organization=org_ln),
        "instrument_manager": grant(
            UserFactory(username="t_manager", organization=org_ln), "instrument_manager", organization=org_ln
        ),
        "expert": grant(UserFactory(username="t_expert"), "expert"),
        "member": grant(UserFactory(username="t_member", organization=org_ln), "member", organization=org_ln),
    }
    return result


@pytest.fixture
def api_client():
    return Client(HTTP_ACCEPT_LANGUAGE="zh-hans")


def bearer(user) -> dict[str, str]:
    from nesta.accounts.services import api_token_create

    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_create(user=user)}"}


@pytest.fixture
def auth_headers():
    return bearer
