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


def test_a_rebuild_racing_registrations_counts_each_once(transactional_db, reference):
    """Registrations (status and cells in one transaction) while rebuilds run: afterwards the
    cells equal a fresh rebuild, whichever committed first."""
    from django.utils import timezone

    from nesta.core.transactions import write_transaction
    from nesta.market.models import TechContract
    from nesta.market.services.statistics import rebuild_statistics

    point = RegistrationPointFactory()
    for _i in range(5):
        record_registration(registered_contract(point, when=local(2025, 2)))
    pending = [
        registered_contract(point, when=local(2025, 8), status="submitted", number=None, registered_at=None)
        for _i in range(CLIENTS)
    ]
    barrier = threading.Barrier(CLIENTS + 2)

    def register(contract):
        try:
            barrier.wait(timeout=30)
            for _try in range(50):
                try:
                    with write_transaction():
                        contract.status = "registered"
                        contract.number = f"25{point.number_prefix}{900000 + contract.pk:06d}"
                        contract.registered_at = timezone.now()
                        contract.save(update_fields=["status", "number", "registered_at"])
                        record_registration(contract)
                    return "recorded"
                except ServiceUnavailable:
                    continue
            return "busy"
        finally:
            connection.close()

    def rebuild(_n):
        try:
            barrier.wait(timeout=30)
            for _try in range(50):
                try:
                    rebuild_statistics()
                    return "rebuilt"
                except ServiceUnavailable:
                    continue
            return "busy"
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=CLIENTS + 2) as pool:
        jobs = [pool.submit(register, c) for c in pending] + [pool.submit(rebuild, n) for n in range(2)]
        results = [j.result() for j in jobs]
    assert results.count("recorded") == CLIENTS and results.count("rebuilt") == 2, results
    assert TechContract.objects.filter(status="registered").count() == CLIENTS + 5

    def snapshot():
        return sorted(
            ContractStat.objects.values_list(
                "year", "month", "dimension", "key", "key2", "contracts", "contract_fen", "technology_fen"
            )
        )

    incremental = snapshot()
    rebuild_statistics()
    assert snapshot() == incremental
    assert sum(n for _y, _m, d, _k, _k2, n, _c, _t in incremental if d == "type") == CLIENTS + 5
