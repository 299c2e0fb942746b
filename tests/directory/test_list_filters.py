"""List filters mean the same with and without a search query."""

import pytest

from nesta.directory.selectors import OrganizationFilters, PersonFilters, organization_list, person_list
from nesta.directory.services import organization_create, person_create


@pytest.fixture
def tagged(users):
    office = users["office"]
    alloy = organization_create(
        actor=office,
        data={
            "name": "高温合金研究所",
            "kind": "research_institute",
            "province": "210000",
            "fields": ["superalloys"],
            "description": "振兴东北",
        },
    )
    wind = organization_create(
        actor=office,
        data={
            "name": "风电装备公司",
            "kind": "enterprise",
            "province": "220000",
            "fields": ["wind-energy"],
            "description": "振兴东北",
        },
    )
    root = organization_create(
        actor=office,
        data={
            "name": "新材料联盟",
            "kind": "intermediary",
            "province": "230000",
            "fields": ["new-materials"],
            "description": "振兴东北",
        },
    )
    welder = person_create(
        actor=office,
        data={"name": "焊接专家甲", "organization": alloy.pk, "keywords": "焊接", "fields": ["superalloys"]},
    )
    other = person_create(actor=office, data={"name": "乙", "organization": wind.pk, "keywords": "焊接"})
    return {"alloy": alloy, "wind": wind, "root": root, "welder": welder, "other": other}


@pytest.mark.parametrize(
    "field,expected",
    [
        ("superalloys", ["alloy"]),
        ("new-materials", ["alloy", "root"]),  # a field includes its sub-fields
        ("high-tech", ["alloy", "wind", "root"]),
        ("new-energy-environment", ["wind"]),
    ],
)
def test_field_filter_same_with_and_without_query(tagged, field, expected):
    want = sorted(tagged[k].pk for k in expected)
    unranked = organization_list(filters=OrganizationFilters(field=field))
    assert sorted(o.pk for o in unranked.items) == want
    ranked = organization_list(filters=OrganizationFilters(q="振兴东北", field=field))
    assert sorted(o.pk for o in ranked.items) == want


def test_person_field_filter_includes_sub_fields(tagged):
    assert [p.pk for p in person_list(filters=PersonFilters(field="new-materials")).items] == [tagged["welder"].pk]
    assert [p.pk for p in person_list(filters=PersonFilters(q="焊接", field="new-materials")).items] == [
        tagged["welder"].pk
    ]


def test_person_query_within_an_organisation_is_full_text(tagged):
    """Restricting to one organisation must not turn the full-text query into a name match."""
    page = person_list(filters=PersonFilters(q="焊接", organization=tagged["wind"].pk))
    assert [p.pk for p in page.items] == [tagged["other"].pk]
    page = person_list(filters=PersonFilters(q="焊接", organization=tagged["alloy"].pk))
    assert [p.pk for p in page.items] == [tagged["welder"].pk]
