"""Login throttling holds under concurrency (issue 7, C.10): twelve wrong passwords for one
account at once, each on its own connection, and no more than LOGIN_MAX_FAILURES are tried."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from nesta.accounts import services
from nesta.accounts.models import LoginAttempt
from nesta.core.errors import NotAuthenticated, RateLimited, ServiceUnavailable
from tests.factories import UserFactory

CLIENTS = 12


def test_twelve_parallel_wrong_passwords_try_at_most_the_limit(transactional_db, settings, monkeypatch):
    settings.LOGIN_MAX_FAILURES = 5
    UserFactory(username="target")
    barrier = threading.Barrier(CLIENTS)
    decided = {"n": 0}
    lock = threading.Lock()
    everyone_decided = threading.Event()
    real_authenticate = services.authenticate

    def note_decided():
        with lock:
            decided["n"] += 1
            if decided["n"] == CLIENTS:
                everyone_decided.set()

    def slow_authenticate(**kwargs):
        # Hold every admitted attempt until each client has been admitted or refused, so that
        # a check-then-insert race (the bug) admits all twelve.
        note_decided()
        everyone_decided.wait(timeout=20)
        return real_authenticate(**kwargs)

    monkeypatch.setattr(services, "authenticate", slow_authenticate)

    def attempt(i):
        try:
            barrier.wait(timeout=30)
            services.user_authenticate(username="target", password=f"wrong-{i}", ip=f"10.1.0.{i}")
        except NotAuthenticated:
            return "tried"
        except RateLimited:
            note_decided()
            return "refused"
        except ServiceUnavailable:
            note_decided()
            return "busy"
        finally:
            connection.close()
        return "logged_in"

    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        results = list(pool.map(attempt, range(CLIENTS)))
    assert results.count("tried") == 5, results
    assert results.count("refused") == CLIENTS - 5, results
    assert LoginAttempt.objects.filter(username="target").count() == 5


@pytest.mark.django_db
def test_a_refused_attempt_is_not_counted(settings):
    settings.LOGIN_MAX_FAILURES = 2
    UserFactory(username="target2")
    for _ in range(2):
        with pytest.raises(NotAuthenticated):
            services.user_authenticate(username="target2", password="bad")
    with pytest.raises(RateLimited):
        services.user_authenticate(username="target2", password="bad")
    assert LoginAttempt.objects.filter(username="target2").count() == 2
