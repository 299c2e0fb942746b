"""Reads of reference data and the audit trail; domain errors."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError

from nesta.core.errors import (
    BadRequest,
    Conflict,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
    RateLimited,
    ValidationFailed,
    validation_details,
)
from nesta.core.models import AuditLog
from nesta.core.pagination import MAX_LIMIT, clamp_limit, decode_cursor, encode_cursor
from nesta.core.selectors import audit_list, cities, platforms, provinces_with_cities, taxonomy_flat, taxonomy_tree


def test_provinces_with_cities(reference):
    provinces = provinces_with_cities()
    assert [p.code for p in provinces] == ["210000", "220000", "230000"]
    liaoning = provinces[0]
    assert len(liaoning.children_list) == 14
    dalian = next(c for c in liaoning.children_list if c.code == "210200")
    assert [d.name for d in dalian.children_list] == ["金州区"]
    assert [len(p.children_list) for p in provinces] == [14, 9, 13]


def test_cities_of_a_province(reference):
    assert list(cities(province="220000").values_list("name", flat=True)) == [
        "长春市",
        "吉林市",
        "四平市",
        "辽源市",
        "通化市",
        "白山市",
        "松原市",
        "白城市",
        "延边朝鲜族自治州",
    ]
    assert cities().count() == 36


def test_taxonomy_tree(reference):
    roots = taxonomy_tree()
    assert [r.code for r in roots] == ["high-tech", "traditional-upgrade", "modern-agriculture", "modern-services"]
    materials = next(c for c in roots[0].children_list if c.code == "new-materials")
    assert [c.name for c in materials.children_list] == [
        "化工新材料",
        "特种材料",
        "高温合金",
        "稀土永磁",
        "镁质材料",
        "能源材料",
        "精品钢材",
    ]
    assert len(taxonomy_flat()) == sum(1 for _ in _walk(roots))
    assert [p.code for p in platforms()] == ["innovation", "transformation", "conditions", "cooperation"]


def _walk(nodes):
    for n in nodes:
        yield n
        yield from _walk(n.children_list)


# --- the audit trail ---------------------------------------------------------------------------


@pytest.fixture
def trail(users):
    for i in range(7):
        AuditLog.objects.create(action="update", object_type="directory.organization", object_id=str(i % 2))
    AuditLog.objects.create(action="create", object_type="directory.person", object_id="9")
    return list(AuditLog.objects.order_by("-pk"))


@pytest.mark.parametrize("role", ["province", "org_admin", "instrument_manager", "expert", "member"])
def test_audit_list_is_for_the_office_only(users, trail, role):
    with pytest.raises(PermissionDenied):
        audit_list(user=users[role])


def test_audit_list_anonymous(trail):
    with pytest.raises(NotAuthenticated):
        audit_list(user=AnonymousUser())


def test_audit_list_pages_newest_first(users, trail):
    seen, cursor = [], None
    while True:
        page = audit_list(user=users["office"], cursor=cursor, limit=3)
        seen += page.items
        cursor = page.next_cursor
        if cursor is None:
            break
    assert seen == trail
    filtered = audit_list(user=users["office"], object_type="directory.organization", object_id="1")
    assert [(a.object_type, a.object_id) for a in filtered.items] == [("directory.organization", "1")] * 3
    with pytest.raises(BadRequest):
        audit_list(user=users["office"], cursor="%%%")


# --- pagination helpers and errors ---------------------------------------------------------------


def test_cursor_round_trip():
    assert decode_cursor(encode_cursor({"offset": 40})) == {"offset": 40}
    assert decode_cursor(encode_cursor({"after": 7})) == {"after": 7}
    assert decode_cursor(None) == {} and decode_cursor("") == {}
    assert "=" not in encode_cursor({"offset": 1})


@pytest.mark.parametrize("limit,expected", [(None, 20), (0, 1), (-5, 1), (1, 1), (20, 20), (10_000, MAX_LIMIT)])
def test_clamp_limit(limit, expected):
    assert clamp_limit(limit) == expected


@pytest.mark.parametrize(
    "cls,status,code",
    [
        (BadRequest, 400, "bad_request"),
        (NotAuthenticated, 401, "not_authenticated"),
        (PermissionDenied, 403, "permission_denied"),
        (NotFound, 404, "not_found"),
        (Conflict, 409, "conflict"),
        (ValidationFailed, 422, "validation_error"),
        (RateLimited, 429, "too_many_attempts"),
    ],
)
def test_error_status_and_codes(cls, status, code):
    exc = cls()
    assert (exc.status, exc.code, exc.details) == (status, code, {})
    assert str(exc) == str(cls.default_message)
    custom = cls("自定义", code="custom", details={"x": 1})
    assert (custom.code, str(custom), custom.details) == ("custom", "自定义", {"x": 1})
    assert cls().code == code  # a custom code on one instance does not leak to the class


def test_validation_details():
    assert validation_details(ValidationError({"name": ["必填"], "uscc": ["错"]})) == {"name": ["必填"], "uscc": ["错"]}
    assert validation_details(ValidationError(["a", "b"])) == {"__all__": ["a", "b"]}
    assert validation_details(ValueError("boom")) == {"__all__": ["boom"]}
