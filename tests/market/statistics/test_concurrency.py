"""Registrations recorded at once from many connections: no increment is lost, whether the cell
exists already or every thread is the first to insert it."""

import threading
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
from django.db import connection

from nesta.core.errors import ServiceUnavailable
from nesta.market.models import ContractStat
from nesta.market.services.statistics import record_registration
from tests.market.factories import RegistrationPointFactory
from tests.market.statistics.helpers import local, registered_contract

CLIENTS = 16


def _record_all(contracts) -> list[str]:
    barrier = threading.Barrier(len(contracts))

    def attempt(contract):
        try:
            barrier.wait(timeout=30)
            for _try in range(20):
                try:
                    record_registration(contract)
                    return "recorded"
                except ServiceUnavailable:
                    continue
            return "busy"
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=len(contracts)) as pool:
        return list(pool.map(attempt, contracts))


@pytest.mark.parametrize("existing", [False, True], ids=["first-insert", "existing-cell"])
def test_concurrent_registrations_sum_exactly(transactional_db, reference, existing):
    point = RegistrationPointFactory()
    contracts = [
        registered_contract(
            point, when=local(2025, 6), contract_amount=Decimal("1000.01") * (i + 1), technology_amount=Decimal(i)
        )
        for i in range(CLIENTS)
    ]
    if existing:
        record_registration(registered_contract(point, when=local(2025, 6), contract_amount=0, technology_amount=0))
    results = _record_all(contracts)
    assert results == ["recorded"] * CLIENTS
    base = 1 if existing else 0
    for dimension in ContractStat.Dimension.values:
        cell = ContractStat.objects.get(year=2025, month=6, dimension=dimension)
        assert cell.contracts == CLIENTS + base, dimension
        assert cell.contract_fen == sum(100001 * (i + 1) for i in range(CLIENTS))
        assert cell.technology_fen == sum(100 * i for i in range(CLIENTS))
