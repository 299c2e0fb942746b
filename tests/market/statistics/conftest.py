"""A hand-built year of contracts (2025, with one in 2024) at a 辽宁 and a 吉林 registration point."""

import pytest

from nesta.market.services.statistics import record_registration
from tests.market.factories import RegistrationPointFactory
from tests.market.statistics.helpers import local, registered_contract


@pytest.fixture
def market_year(reference):
    liaoning = RegistrationPointFactory()
    jilin = RegistrationPointFactory(city_code="220100")
    made = {
        # 辽宁's point: sellers in 辽宁, buyers within / other NE / rest of China / abroad
        "a": registered_contract(liaoning, when=local(2025, 3), buyer_region="210200"),
        "b": registered_contract(
            liaoning,
            when=local(2025, 3, 20),
            contract_type="transfer_patent",
            buyer_region="220104",
            tech_field="08",
            ip_type="utility_model",
            seller_nature="22",
            plan_source="national",
            contract_amount="200000",
            technology_amount="200000",
        ),
        "c": registered_contract(
            liaoning,
            when=local(2025, 7),
            contract_type="consulting",
            buyer_region="110105",
            tech_field="01",
            ip_type="software",
            seller_nature="41",
            buyer_nature="10",
            plan_source="ministerial",
            contract_amount="50000",
            technology_amount="50000",
        ),
        "d": registered_contract(
            liaoning,
            when=local(2025, 12, 31, 23),
            contract_type="license_exclusive",
            buyer_region="",
            buyer_country="840",
            buyer_nature="43",
            plan_source="other",
            contract_amount="300000",
            technology_amount="250000",
        ),
        # a seller abroad, buyer in 辽宁, registered at 辽宁's point
        "g": registered_contract(
            liaoning,
            when=local(2025, 7),
            contract_type="service",
            seller_region="",
            seller_country="276",
            seller_nature="43",
            buyer_region="210100",
            contract_amount="40000",
            technology_amount="30000",
        ),
        # 吉林's point: a 吉林 seller with a 辽宁 buyer, a 广东 seller with a 辽宁 buyer
        "e": registered_contract(
            jilin,
            when=local(2025, 3),
            contract_type="service_training",
            seller_region="220104",
            buyer_region="210100",
            contract_amount="10000",
            technology_amount="10000",
        ),
        "f": registered_contract(
            jilin,
            when=local(2025, 9),
            contract_type="dev_cooperative",
            seller_region="440305",
            buyer_region="210100",
            contract_amount="20000",
            technology_amount="15000",
        ),
        # last year, for the change year on year
        "old": registered_contract(
            liaoning,
            when=local(2024, 3),
            contract_amount="50000",
            technology_amount="40000",
        ),
        # the first minute of 2026 in Beijing: next year
        "next": registered_contract(liaoning, when=local(2026, 1, 1, 0)),
    }
    for contract in made.values():
        record_registration(contract)
    return made
