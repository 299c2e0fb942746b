"""Every service write leaves exactly one audit row with the diff; failed writes leave nothing."""

import pytest

from nesta.core import search
from nesta.core.audit import diff, snapshot
from nesta.core.errors import ValidationFailed
from nesta.core.models import AuditLog, Region, SearchDocument, TaxonomyNode
from nesta.directory.models import Affiliation, ExpertProfile, Organization, Person
from nesta.directory.services import organization_create, organization_update, person_create, person_update


def _ids(*codes: str) -> list[int]:
    return sorted(TaxonomyNode.objects.filter(code__in=codes).values_list("pk", flat=True))


def _state():
    return (
        Organization.objects.count(),
        Person.objects.count(),
        ExpertProfile.objects.count(),
        Affiliation.objects.count(),
        SearchDocument.objects.count(),
        AuditLog.objects.count(),
    )


def test_organization_create_audit_row(users):
    office = users["office"]
    org = organization_create(
        actor=office,
        data={
            "name": "沈阳稀土材料研究所",
            "kind": "research_institute",
            "province": "210000",
            "city": "210100",
            "fields": ["rare-earth-magnets", "superalloys"],
        },
    )
    log = AuditLog.objects.get()
    assert log.actor == office
    assert log.actor_repr == "t_office"
    assert log.action == "organization.created"
    assert log.object_type == "directory.organization"
    assert log.object_id == str(org.pk)
    assert log.object_repr == "沈阳稀土材料研究所"
    shenyang = Region.objects.get(code="210100").pk
    liaoning = Region.objects.get(code="210000").pk
    assert log.changes == {
        "id": [None, org.pk],
        "name": [None, "沈阳稀土材料研究所"],
        "name_en": [None, ""],
        "short_name": [None, ""],
        "kind": [None, "research_institute"],
        "is_private_tech_enterprise": [None, False],
        "province": [None, liaoning],
        "city": [None, shenyang],
        "address": [None, ""],
        "postal_code": [None, ""],
        "website": [None, ""],
        "contact_name": [None, ""],
        "contact_phone": [None, ""],
        "contact_email": [None, ""],
        "description": [None, ""],
        "is_active": [None, True],
        "fields": [None, _ids("rare-earth-magnets", "superalloys")],
    }


def test_organization_update_records_only_what_changed(users, org_ln):
    office = users["office"]
    organization_update(
        actor=office,
        organization=org_ln,
        data={"description": "新简介", "city": "210200", "fields": ["wind-energy"], "name": org_ln.name},
    )
    log = AuditLog.objects.get()
    assert (log.actor, log.action, log.object_type, log.object_id) == (
        office,
        "organization.updated",
        "directory.organization",
        str(org_ln.pk),
    )
    assert log.changes == {
        "description": ["", "新简介"],
        "city": [Region.objects.get(code="210100").pk, Region.objects.get(code="210200").pk],
        "fields": [[], _ids("wind-energy")],
    }


def test_update_that_changes_nothing_writes_no_row(users, org_ln):
    organization_update(actor=users["office"], organization=org_ln, data={"name": org_ln.name, "description": ""})
    organization_update(actor=users["org_admin"], organization=org_ln, data={})
    assert AuditLog.objects.count() == 0


def test_person_create_and_update_audit(users, org_ln, org_jl):
    admin = users["org_admin"]
    person = person_create(
        actor=admin,
        data={
            "name": "王研究员",
            "organization": org_ln.pk,
            "fields": ["superalloys"],
            "expert": {"degree": "博士", "expertise": "镍基高温合金"},
            "affiliations": [
                {"organization": org_jl.pk, "role_title": "访问学者", "start_year": 2001, "end_year": 2003}
            ],
        },
    )
    created = AuditLog.objects.get()
    assert (created.actor, created.action, created.object_type, created.object_id, created.object_repr) == (
        admin,
        "person.created",
        "directory.person",
        str(person.pk),
        "王研究员",
    )
    assert created.changes["name"] == [None, "王研究员"]
    assert created.changes["organization"] == [None, org_ln.pk]
    assert created.changes["fields"] == [None, _ids("superalloys")]
    assert created.changes["expert"] == [
        None,
        {"expertise": "镍基高温合金", "degree": "博士", "is_available": True, "max_reviews_per_year": 20},
    ]
    assert created.changes["affiliations"] == [None, [[org_jl.pk, "访问学者", 2001, 2003]]]

    person_update(actor=admin, person=person, data={"expert": {"degree": "硕士"}, "affiliations": [], "title": ""})
    updated = AuditLog.objects.filter(action="person.updated").get()
    assert updated.changes == {
        "expert": [
            {"expertise": "镍基高温合金", "degree": "博士", "is_available": True, "max_reviews_per_year": 20},
            {"expertise": "镍基高温合金", "degree": "硕士", "is_available": True, "max_reviews_per_year": 20},
        ],
        "affiliations": [[[org_jl.pk, "访问学者", 2001, 2003]], []],
    }

    person_update(actor=admin, person=person, data={"expert": None})
    removed = AuditLog.objects.filter(action="person.updated").first()
    assert removed.changes == {
        "expert": [
            {"expertise": "镍基高温合金", "degree": "硕士", "is_available": True, "max_reviews_per_year": 20},
            None,
        ]
    }
    assert not ExpertProfile.objects.filter(person=person).exists()


def test_person_noop_update_writes_no_row(users, org_ln):
    person = person_create(actor=users["office"], data={"name": "赵工", "organization": org_ln.pk, "title": "高工"})
    person_update(actor=users["office"], person=person, data={"name": "赵工", "title": "高工", "fields": []})
    assert list(AuditLog.objects.values_list("action", flat=True)) == ["person.created"]


def test_snapshot_leaves_out_auto_timestamps(org_ln):
    snap = snapshot(org_ln)
    assert "created_at" not in snap and "updated_at" not in snap
    assert snap["name"] == org_ln.name
    assert diff({"a": 1, "b": 2}, {"a": 1, "b": 3, "c": None}) == {"b": [2, 3]}


# --- atomicity: a failed write leaves no partial state ---------------------------------------


def test_invalid_taxonomy_code_on_create_leaves_nothing(users):
    before = _state()
    with pytest.raises(ValidationFailed) as exc:
        organization_create(
            actor=users["office"],
            data={
                "name": "坏领域机构",
                "kind": "enterprise",
                "province": "210000",
                "fields": ["superalloys", "no-such"],
            },
        )
    assert exc.value.details == {"fields": ["未知的重点领域：no-such"]}
    assert _state() == before
    assert not Organization.objects.filter(name="坏领域机构").exists()


def test_failure_after_the_row_is_saved_rolls_everything_back(users, monkeypatch):
    """The search index is written after the organisation row: if it fails, the row goes too."""

    def broken(*args, **kwargs):
        raise RuntimeError("index down")

    before = _state()
    monkeypatch.setattr(search.engine, "index_many", broken)
    with pytest.raises(RuntimeError):
        organization_create(
            actor=users["office"], data={"name": "索引失败机构", "kind": "enterprise", "province": "210000"}
        )
    assert _state() == before


def test_person_with_bad_affiliation_leaves_nothing(users, org_ln):
    """Affiliations are checked after the person row and expert profile are saved."""
    before = _state()
    with pytest.raises(ValidationFailed) as exc:
        person_create(
            actor=users["office"],
            data={
                "name": "半途而废",
                "organization": org_ln.pk,
                "expert": {"degree": "博士"},
                "affiliations": [{"organization": org_ln.pk, "start_year": 2010, "end_year": 2005}],
            },
        )
    assert exc.value.details == {"affiliations[0].end_year": ["结束年份不能早于起始年份。"]}
    assert _state() == before
    assert not Person.objects.filter(name="半途而废").exists()


def test_failed_update_leaves_the_record_and_its_index_as_they_were(users, org_ln):
    person = person_create(actor=users["office"], data={"name": "钱工", "organization": org_ln.pk, "title": "研究员"})
    before = _state()
    with pytest.raises(ValidationFailed):
        person_update(
            actor=users["office"],
            person=person,
            data={"title": "教授", "keywords": "焊接", "affiliations": [{"organization": "x"}]},
        )
    assert _state() == before
    assert Person.objects.get(pk=person.pk).title == "研究员"
    assert search.search("person", "焊接").ids == []

    with pytest.raises(ValidationFailed):
        organization_update(actor=users["office"], organization=org_ln, data={"name": "改名失败", "fields": ["nope"]})
    assert Organization.objects.get(pk=org_ln.pk).name == org_ln.name
    assert _state() == before
