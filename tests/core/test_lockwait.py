"""A lock wait anywhere answers 503 with Retry-After, never 500 (services, API, web pages)."""

import json

import pytest
from django.db import OperationalError, connection
from django.test import Client

from nesta.directory.models import Organization
from tests.factories import OrganizationFactory, UserFactory, grant


@pytest.fixture
def office(transactional_db):
    from django.core.management import call_command

    call_command("load_reference", verbosity=0)  # committed: the other connection must see it
    user = grant(UserFactory(username="lock_office"), "office")
    org = OrganizationFactory(province_code="210000", city_code="210100", name="锁等待研究院")
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(user)
    return client, org


@pytest.fixture
def held_lock(settings):
    """Another connection holds the write lock (SQLite) / the organisation rows (PostgreSQL)."""
    settings.BOOKING_LOCK_TIMEOUT_MS = 200
    if connection.vendor == "sqlite":
        import sqlite3

        blocker = sqlite3.connect(connection.settings_dict["NAME"], timeout=0.1)
        blocker.execute("BEGIN IMMEDIATE")
        with connection.cursor() as cur:
            cur.execute("PRAGMA busy_timeout = 200")
    else:
        import psycopg

        s = connection.settings_dict
        blocker = psycopg.connect(
            host=s["HOST"] or "127.0.0.1",
            port=s["PORT"] or 5432,
            user=s["USER"],
            dbname=s["NAME"],
            password=s["PASSWORD"] or None,
        )
        blocker.execute("SELECT id FROM directory_organization FOR UPDATE")
    try:
        yield
    finally:
        blocker.rollback()
        blocker.close()
        connection.close()


def test_an_api_write_that_meets_a_held_lock_answers_503_with_retry_after(office, held_lock):
    client, org = office
    r = client.patch(
        f"/api/v1/organizations/{org.pk}", data=json.dumps({"name": "改名"}), content_type="application/json"
    )
    assert r.status_code == 503, r.content
    assert int(r["Retry-After"]) >= 1
    assert r.json()["code"] == "busy" and r.json()["details"]["retry_after"] >= 1
    connection.close()
    assert Organization.objects.get(pk=org.pk).name == "锁等待研究院"  # and nothing was written


def test_a_web_form_that_meets_a_held_lock_answers_the_503_page_with_retry_after(office, held_lock):
    from tests.web.test_directory_forms import org_post

    client, org = office
    r = client.post(f"/directory/organizations/{org.pk}/edit/", org_post(name="改名"))
    assert r.status_code == 503
    assert int(r["Retry-After"]) >= 1
    assert "系统繁忙" in r.content.decode()


# A bare lock error from code that writes outside a service (an autocommit update, a session save):


@pytest.fixture
def bare_lock_error(monkeypatch):
    def locked(**kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr("nesta.directory.services.organization_update", locked)


def test_the_api_maps_a_bare_lock_error_to_503(office, bare_lock_error):
    client, org = office
    r = client.patch(
        f"/api/v1/organizations/{org.pk}", data=json.dumps({"name": "改名"}), content_type="application/json"
    )
    assert r.status_code == 503 and r["Retry-After"] == "1"
    assert r.json()["code"] == "busy"


def test_a_web_view_maps_a_bare_lock_error_to_503(office, bare_lock_error):
    from tests.web.test_directory_forms import org_post

    client, org = office
    r = client.post(f"/directory/organizations/{org.pk}/edit/", org_post(name="改名"))
    assert r.status_code == 503 and r["Retry-After"] == "1"


def test_other_database_errors_stay_errors(office, monkeypatch):
    def broken(**kwargs):
        raise OperationalError("no such table: nowhere")

    monkeypatch.setattr("nesta.directory.services.organization_update", broken)
    client, org = office
    r = client.patch(
        f"/api/v1/organizations/{org.pk}", data=json.dumps({"name": "改名"}), content_type="application/json"
    )
    assert r.status_code == 500 and not r.has_header("Retry-After")
