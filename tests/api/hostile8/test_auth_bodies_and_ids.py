"""Issue 8's new API endpoints as a hostile outsider calls them: authentication before validation,
media types, bodies that are not objects, huge, malformed and unknown ids."""

import uuid

import pytest

from tests.api.hostile8.conftest import (
    BODIED,
    GOOD,
    HUGE,
    ID_PATHS,
    LOGIN_READS,
    PUBLIC_READS,
    WRITES,
    call,
    error,
    first_placeholder,
    url,
)

pytestmark = pytest.mark.django_db


# --- anonymous ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("method", "path", "body", "_d", "_t"), WRITES, ids=[f"{m} {p}" for m, p, *_ in WRITES])
@pytest.mark.parametrize("garbage", [b'{"start": "yesterday", "title": 5}', b"[1,2", b"null"])
def test_anonymous_write_is_401_before_any_validation(client, w, method, path, body, _d, _t, garbage):
    response = call(client, method, url(w, path), raw=garbage)
    assert error(response, 401)["code"] == "not_authenticated"


@pytest.mark.parametrize("path", LOGIN_READS)
def test_anonymous_login_read_is_401_even_with_a_bad_query(client, w, path):
    response = call(client, "get", url(w, path), query={"limit": "all", "from": "x", "cursor": "\x1b"})
    assert error(response, 401)["code"] == "not_authenticated"


@pytest.mark.parametrize("path", LOGIN_READS + PUBLIC_READS)
def test_a_bad_token_is_401(client, w, path):
    response = client.get(url(w, path), HTTP_AUTHORIZATION="Bearer nope")
    assert error(response, 401)["code"] == "invalid_token"


@pytest.mark.parametrize("path", PUBLIC_READS)
@pytest.mark.parametrize(
    "query",
    [
        {"limit": "all"},
        {"limit": str(2**63)},
        {"cursor": "\x00\x1b"},
        {"cursor": "x" * 5000},
        {"status": "<script>"},
        {"duration": "PT0S"},
        {"duration": "-PT1H"},
        {"duration": "P99999W"},
        {"duration": "P1Y"},
        {"duration": "\x00"},
        {"duration": "PT1H", "after": "0001-01-01T00:00:00+08:00"},
        {"duration": "PT1H", "after": "9999-12-31T23:59:59-12:00"},
        {"duration": "PT1H", "after": "2030-01-01T09:00:00"},
    ],
)
def test_anonymous_public_reads_refuse_bad_queries_cleanly(client, w, path, query):
    base = url(w, path)
    params = dict(query)
    if "?" in base:
        base, qs = base.split("?")
        params = {**dict([qs.split("=")]), **params}
    response = client.get(base, params)
    if response.status_code == 200:
        assert "items" in response.json() or "start" in response.json()
    else:
        error(response, 400, 404, 414, 422)


# --- media type, non-object bodies ----------------------------------------------------------------


@pytest.mark.parametrize(("method", "path", "body", "_d", "_t"), BODIED, ids=[f"{m} {p}" for m, p, *_ in BODIED])
@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", "application/xml"])
def test_wrong_content_type_is_415(client, w, method, path, body, _d, _t, content_type):
    response = call(client, method, url(w, path), w["u"]["manager_a"], body, content_type=content_type)
    assert error(response, 415)["code"] == "unsupported_media_type"


@pytest.mark.parametrize(("method", "path", "body", "_d", "_t"), BODIED, ids=[f"{m} {p}" for m, p, *_ in BODIED])
@pytest.mark.parametrize("raw", [b"[]", b'"x"', b"3", b"null", b"[null]"])
def test_a_body_that_is_not_an_object_is_400(client, w, method, path, body, _d, _t, raw):
    response = call(client, method, url(w, path), w["u"]["manager_a"], raw=raw)
    assert error(response, 400)["code"] == "malformed_request"


@pytest.mark.parametrize(("method", "path", "body", "_d", "_t"), BODIED, ids=[f"{m} {p}" for m, p, *_ in BODIED])
def test_unparseable_json_is_400(client, w, method, path, body, _d, _t):
    response = call(client, method, url(w, path), w["u"]["manager_a"], raw=b'{"start": ')
    assert error(response, 400)["code"] == "malformed_request"


# --- ids: huge, zero, unknown ---------------------------------------------------------------------


NUMERIC_ID_PATHS = [row for row in ID_PATHS if first_placeholder(row[1]) != "series"]  # a uuid: tested below


@pytest.mark.parametrize(
    ("method", "path", "body"), NUMERIC_ID_PATHS, ids=[f"{m} {p}" for m, p, _b in NUMERIC_ID_PATHS]
)
@pytest.mark.parametrize("bad", [*HUGE, 0, -1, "abc", "1e3"])
def test_huge_or_malformed_path_ids_are_422_or_404(client, w, method, path, body, bad):
    name = first_placeholder(path)
    response = call(client, method, url(w, path.split("?")[0], **{name: bad}), w["u"]["manager_a"], body)
    error(response, 404, 422)


@pytest.mark.parametrize(("method", "path", "body"), ID_PATHS, ids=[f"{m} {p}" for m, p, _b in ID_PATHS])
def test_unknown_ids_are_404(client, w, method, path, body):
    name = first_placeholder(path)
    value = str(uuid.uuid4()) if name == "series" else 987654321
    full = url(w, path, **{name: value})
    response = call(client, method, full.split("?")[0], w["u"]["manager_a"], body, query=_query(path))
    if name == "series":  # a series that is not there removes nothing
        assert response.status_code in (200, 404), response.content
        if response.status_code == 200:
            assert response.json() == {"removed": 0}
        return
    error(response, 404)


def _query(path: str) -> dict:
    return dict([path.split("?")[1].split("=")]) if "?" in path else {}


@pytest.mark.parametrize("series", ["not-a-uuid", "0" * 300, "%00"])
def test_maintenance_series_that_is_not_a_uuid(client, w, series):
    response = call(
        client, "delete", url(w, "/instruments/{inst}/maintenance/{series}", series=series), w["u"]["manager_a"]
    )
    error(response, 400, 404, 422)


BODY_IDS = [
    ("post", "/instruments/{inst}/waitlist", "account_id", GOOD),
    ("post", "/instruments/{inst}/problems", "booking_id", {"title": "x"}),
    ("post", "/instruments/{inst}/shutdowns", "problem_id", {**GOOD, "reason": "x"}),
    ("post", "/organizations/{org}/accounts", "holder_id", {"code": "K-H", "name": "x"}),
    ("patch", "/accounts/{account}", "holder_id", {}),
    ("post", "/instruments/{inst}/bookings", "on_behalf_of", GOOD),
    ("post", "/instruments/{inst}/bookings", "account_id", GOOD),
]


@pytest.mark.parametrize(("method", "path", "field", "body"), BODY_IDS, ids=[f"{p} {f}" for _m, p, f, _b in BODY_IDS])
@pytest.mark.parametrize("bad", [*HUGE, 0, -5, True, 1.5, [1], {"id": 1}, 987654321])
def test_ids_in_bodies(client, w, method, path, field, body, bad):
    response = call(client, method, url(w, path), w["u"]["manager_a"], {**body, field: bad})
    error(response, 400, 403, 404, 409, 422)
