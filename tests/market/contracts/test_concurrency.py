"""Gap-free, unique numbers under concurrent registration: N registrations at one point at once
give serials 1..N, whatever the backend; failed attempts among them consume none."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from nesta.core.errors import Conflict, PermissionDenied, ServiceUnavailable
from nesta.market.models import ContractSerial, TechContract
from nesta.market.services.contracts import contract_register, contract_submit, contract_withdraw
from tests.factories import OrganizationFactory, UserFactory, grant
from tests.market.contracts.conftest import contract_data
from tests.market.factories import RegistrationPointFactory

N = 12


@pytest.fixture
def race(transactional_db, reference):
    market = OrganizationFactory(kind="technology_market", name="沈阳技术市场")
    point = RegistrationPointFactory(organization=market, point_code="07")
    seller_org = OrganizationFactory()
    seller = grant(UserFactory(username="race_seller", organization=seller_org), "member", organization=seller_org)
    staff = [
        grant(UserFactory(username=f"race_staff{i}", organization=market), "member", organization=market)
        for i in range(N + 4)
    ]
    contracts = [contract_submit(actor=seller, data=contract_data(point)) for _ in range(N + 3)]
    withdrawn = contracts[-2]
    contract_withdraw(actor=seller, contract_id=withdrawn.pk)
    outsider = grant(UserFactory(username="race_outsider", organization=seller_org), "member", organization=seller_org)
    return point, staff, contracts, outsider


def _at_once(jobs):
    barrier = threading.Barrier(len(jobs))

    def run(job):
        try:
            barrier.wait(timeout=30)
            actor, contract_id = job
            for _attempt in range(20):  # a lock wait is "busy, retry", as a client would
                try:
                    return contract_register(actor=actor, contract_id=contract_id).serial
                except ServiceUnavailable:
                    continue
            return "busy"
        except (Conflict, PermissionDenied) as exc:
            return exc.code
        except RuntimeError:
            return "failed"
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        return list(pool.map(run, jobs))


def test_concurrent_registrations_are_numbered_one_to_n(race, monkeypatch):
    from nesta.market.services import contracts as services

    point, staff, contracts, outsider = race
    ok = contracts[:N]
    doomed = contracts[-1]
    real = services.record_registration

    def statistics(contract):
        if contract.pk == doomed.pk:  # fails after its serial was taken: the serial goes back
            raise RuntimeError("statistics down")
        real(contract)

    monkeypatch.setattr(services, "record_registration", statistics)
    jobs = [(staff[i], c.pk) for i, c in enumerate(ok)]
    jobs.append((staff[N + 2], doomed.pk))
    jobs.append((staff[N], contracts[-2].pk))  # withdrawn: invalid_state
    jobs.append((outsider, contracts[N].pk))  # not the point's: refused
    jobs.append((staff[N + 1], ok[0].pk))  # the same contract twice: one of the two wins
    results = _at_once(jobs)
    serials = sorted(r for r in results if isinstance(r, int))
    assert serials == list(range(1, N + 1)), results
    assert results.count("invalid_state") == 2, results  # the withdrawn one and the repeat
    assert results.count("permission_denied") == 1, results
    assert results.count("failed") == 1, results
    assert TechContract.objects.get(pk=doomed.pk).number is None
    numbers = list(TechContract.objects.filter(number__isnull=False).values_list("number", flat=True))
    assert len(numbers) == len(set(numbers)) == N
    assert sorted(int(n[-6:]) for n in numbers) == list(range(1, N + 1))
    assert {n[2:8] for n in numbers} == {point.number_prefix}
    assert ContractSerial.objects.get(point=point).last == N
    # the refused attempt's contract is still waiting, and takes the next number
    nxt = contract_register(actor=staff[0], contract_id=contracts[N].pk)
    assert nxt.serial == N + 1
