import pytest

from nesta.accounts.services import role_grant
from nesta.core.errors import ValidationFailed
from tests.factories import UserFactory, grant


@pytest.fixture
def office(reference):
    return grant(UserFactory(username="unique_office"), "office")


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["office", "expert"])
def test_a_regionwide_role_cannot_be_granted_twice(office, role):
    user = UserFactory(username=f"twice_{role}")
    role_grant(actor=office, user=user, role=role)
    with pytest.raises(ValidationFailed):
        role_grant(actor=office, user=user, role=role)
    assert user.role_assignments.filter(role=role).count() == 1


@pytest.mark.django_db
def test_a_province_role_cannot_be_granted_twice_for_one_province(office, liaoning, jilin):
    user = UserFactory(username="twice_province")
    role_grant(actor=office, user=user, role="province", province=liaoning)
    role_grant(actor=office, user=user, role="province", province=jilin)
    with pytest.raises(ValidationFailed):
        role_grant(actor=office, user=user, role="province", province=liaoning)
    assert user.role_assignments.count() == 2
