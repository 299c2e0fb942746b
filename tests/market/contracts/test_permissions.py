"""The permission matrix of contract registration: who submits for the seller, who reads which
contract, who manages registration points."""

import pytest

from nesta.core.errors import NotFound, PermissionDenied
from nesta.market.selectors.contracts import contract_get, contract_list
from nesta.market.services.contracts import contract_submit
from nesta.market.services.registration_points import registration_point_create
from tests.market.contracts.conftest import contract_data

ROLES = ["office", "province", "org_admin", "instrument_manager", "member", "expert"]
SUBMITS = {
    "office": True,
    "province": True,
    "org_admin": True,
    "instrument_manager": True,
    "member": True,
    "expert": False,
}
READS_OWN_SELLERS = SUBMITS  # org_ln's contract: its people and the operator
READS_OTHERS = {
    "office": True,
    "province": True,
    "org_admin": False,
    "instrument_manager": False,
    "member": False,
    "expert": False,
}
MANAGES_POINTS = {
    "office": True,
    "province": True,
    "org_admin": False,
    "instrument_manager": False,
    "member": False,
    "expert": False,
}


@pytest.mark.parametrize("role", ROLES)
def test_who_submits_for_org_ln(point, users, org_ln, role):
    data = contract_data(point, seller_organization_id=org_ln.pk)
    if SUBMITS[role]:
        assert contract_submit(actor=users[role], data=data).seller_organization == org_ln
    else:
        with pytest.raises(PermissionDenied):
            contract_submit(actor=users[role], data=data)


@pytest.mark.parametrize("role", ROLES)
def test_who_reads_a_contract_of_org_ln(point, users, make_contract, role):
    c = make_contract()
    if READS_OWN_SELLERS[role]:
        assert contract_get(user=users[role], contract_id=c.pk) == c
        assert c in contract_list(user=users[role]).items
    else:
        with pytest.raises(NotFound):
            contract_get(user=users[role], contract_id=c.pk)
        assert contract_list(user=users[role]).items == []


@pytest.mark.parametrize("role", ROLES)
def test_who_reads_another_sellers_contract(point, users, role):
    c = contract_submit(
        actor=users["office"], data=contract_data(point, seller_name="沈阳另一研究所", seller_region="210100")
    )
    if READS_OTHERS[role]:
        assert contract_get(user=users[role], contract_id=c.pk) == c
    else:
        with pytest.raises(NotFound):
            contract_get(user=users[role], contract_id=c.pk)


def test_the_points_staff_read_its_contracts_and_no_others(point, staff, make_contract, users, market_org):
    from tests.market.factories import RegistrationPointFactory

    mine = make_contract()
    elsewhere = RegistrationPointFactory(city_code="210200", point_code="02")
    theirs = make_contract(point_id=elsewhere.pk, seller_region="210102")
    assert contract_get(user=staff, contract_id=mine.pk) == mine
    with pytest.raises(NotFound):
        contract_get(user=staff, contract_id=theirs.pk)


@pytest.mark.parametrize("role", ROLES)
def test_who_manages_registration_points(users, market_org, role):
    data = {
        "organization_id": market_org.pk,
        "name": "新登记点",
        "city": "210100",
        "point_code": "42",
        "decision_days": 30,
    }
    if MANAGES_POINTS[role]:
        assert registration_point_create(actor=users[role], data=data).point_code == "42"
    else:
        with pytest.raises(PermissionDenied):
            registration_point_create(actor=users[role], data=data)


def test_a_province_manages_only_its_own_points(users, market_org):
    data = {
        "organization_id": market_org.pk,
        "name": "长春登记点",
        "city": "220100",
        "point_code": "43",
        "decision_days": 30,
    }
    with pytest.raises(PermissionDenied):
        registration_point_create(actor=users["province"], data=data)  # a Liaoning grant, a Jilin city
