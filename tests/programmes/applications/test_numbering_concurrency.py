"""Submissions at once, each on its own connection: every number is unique and they run 1..N
without a gap (the province's row is locked while the next number is taken)."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from nesta.core.errors import ServiceUnavailable
from nesta.programmes.models import Application, TeamMember
from nesta.programmes.services import applications as services
from tests.factories import UserFactory, grant
from tests.programmes.factories import ApplicationFactory, CallFactory

N = 8


@pytest.fixture
def drafts(transactional_db, reference):
    from tests.factories import OrganizationFactory

    call = CallFactory()
    out = []
    for i in range(N):
        org = OrganizationFactory()
        user = grant(UserFactory(username=f"race{i}", organization=org), "member", organization=org)
        app = ApplicationFactory(call=call, organization=org, applicant=user, status="draft", submitted_at=None)
        TeamMember.objects.create(application=app, name=f"负责人{i}", is_lead=True)
        out.append((user, app))
    return out


def test_numbers_are_unique_and_gap_free_under_concurrency(drafts):
    barrier = threading.Barrier(len(drafts))

    def run(pair):
        user, app = pair
        try:
            barrier.wait(timeout=30)
            for _ in range(20):
                try:
                    return services.application_run("submit", actor=user, application_id_=app.pk).number
                except ServiceUnavailable:
                    continue
            return None
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=len(drafts)) as pool:
        numbers = list(pool.map(run, drafts))
    assert None not in numbers
    assert sorted(numbers) == [f"2026-LN-{n:06d}" for n in range(1, N + 1)]
    assert Application.objects.filter(status="submitted").count() == N
