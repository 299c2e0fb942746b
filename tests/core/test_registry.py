"""What the apps register: core and the commands see the apps only through these."""

import io

import pytest
from django.core.management import call_command

from nesta.core.registry import registry


def test_reference_loaders_come_from_every_app_in_order():
    assert [r.label for r in registry.reference_loaders()][:4] == [
        "regions, taxonomy, platforms",
        "high-tech zones",
        "programmes, funding plan",
        "instrument categories",
    ]


@pytest.mark.django_db
def test_load_reference_runs_each_registered_loader(monkeypatch):
    out = io.StringIO()
    call_command("load_reference", stdout=out)
    assert out.getvalue().splitlines() == [f"  reference: {r.label} ✓" for r in registry.reference_loaders()]


def test_search_types_and_audited_types_of_the_apps():
    assert {s.doc_type for s in registry.search_types()} >= {"directory", "instrument"}
    types = {t.object_type: t for t in registry.audit_object_types()}
    assert {
        "directory.organization",
        "directory.person",
        "accounts.user",
        "accounts.roleassignment",
        "instruments.instrument",
        "instruments.booking",
        "instruments.testorder",
    } <= set(types)
    assert str(types["directory.organization"].label) == "机构"
    assert str(types["directory.organization"].fields["address"]) == "地址"
    assert str(types["instruments.instrument"].fields["policy.max_minutes"])  # the policy's keys too


def test_named_events_have_labels():
    for event in (
        "organization.created",
        "organization.updated",
        "person.created",
        "person.updated",
        "instrument.created",
        "instrument.updated",
        "role.granted",
        "user.login",
        "user.login_failed",
    ):
        assert registry.audit_event_label(event), event


def test_the_instruments_tick_job_is_the_command(monkeypatch):
    from nesta.instruments.services import tick

    job = {j.name: j for j in registry.periodic_jobs()}["instruments.tick"]
    assert job.every_seconds == 300 and job.run is tick.instruments_tick


def test_an_api_token_authenticator_is_registered(db):
    assert registry.user_for_token("no-such-token") is None
