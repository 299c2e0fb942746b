import pytest

from tests.bases.factories import BaseFactory
from tests.factories import UserFactory, grant


@pytest.fixture
def people(reference, liaoning, jilin):
    """A national key laboratory hosted in 沈阳, and the people around it."""
    base = BaseFactory()
    member = grant(UserFactory(organization=base.host), "member", organization=base.host)
    other_base = BaseFactory(host__province_code="220000", host__city_code="220100")
    return {
        "base": base,
        "other_base": other_base,
        "member": member,
        "admin": grant(UserFactory(organization=base.host), "org_admin", organization=base.host),
        "province": grant(UserFactory(), "province", province=liaoning),
        "jilin": grant(UserFactory(), "province", province=jilin),
        "office": grant(UserFactory(), "office"),
        "other_member": grant(UserFactory(organization=other_base.host), "member", organization=other_base.host),
    }
