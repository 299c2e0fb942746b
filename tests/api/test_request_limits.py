"""Bodies the platform cannot read (issue 7, C.6 and C.14): multipart without a boundary, bodies
over the limits. Refused with 400 / 413 — JSON under /api/ — never 500."""

import pytest

from tests.conftest import bearer
from tests.factories import UserFactory, grant

pytestmark = pytest.mark.django_db


@pytest.fixture
def office(reference):
    return grant(UserFactory(username="limits_office"), "office")


MULTIPART_URLS = ["/api/v1/orders/1/report", "/api/v1/instruments/import", "/api/v1/instruments/import/errors.xlsx"]


@pytest.mark.parametrize("url", MULTIPART_URLS)
@pytest.mark.parametrize(
    "content_type", ["multipart/form-data", "multipart/form-data; boundary=", 'multipart/form-data; boundary="a\x7fb"']
)
def test_multipart_without_a_valid_boundary_is_400(client, office, url, content_type):
    response = client.post(url, data=b"--x\r\n\r\nhello\r\n--x--\r\n", content_type=content_type, **bearer(office))
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "malformed_request"


def test_multipart_without_a_boundary_on_a_web_form_is_400(client, office):
    client.force_login(office)
    response = client.post("/instruments/new/", data=b"--x\r\n\r\nhi\r\n--x--\r\n", content_type="multipart/form-data")
    assert response.status_code == 400


THIRTY_MB = 30 * 1024 * 1024


def test_a_30_mb_json_body_is_413_json(client, office):
    body = b'{"name": "' + b"x" * THIRTY_MB + b'"}'
    response = client.post("/api/v1/organizations", data=body, content_type="application/json", **bearer(office))
    assert response.status_code == 413, response.content[:300]
    assert response.json()["code"] == "payload_too_large"
    assert response.json()["details"]["limit_bytes"] > 0


def test_a_multipart_upload_over_the_limit_is_413_json(client, office, settings):
    settings.NESTA_MAX_UPLOAD_BYTES = 1024 * 1024
    from django.core.files.uploadedfile import SimpleUploadedFile

    big = SimpleUploadedFile("big.xlsx", b"0" * (2 * 1024 * 1024))
    response = client.post("/api/v1/instruments/import", {"file": big}, **bearer(office))
    assert response.status_code == 413, response.content[:300]
    assert response.json()["code"] == "payload_too_large"


def test_a_30_mb_web_form_is_413(client, office):
    client.force_login(office)
    response = client.post(
        "/instruments/new/", data=b"name=" + b"x" * THIRTY_MB, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 413


def test_a_content_length_that_is_not_a_number_is_400(client, office):
    response = client.post(
        "/api/v1/organizations", data=b"{}", content_type="application/json", CONTENT_LENGTH="lots", **bearer(office)
    )
    assert response.status_code == 400
    assert response.json()["code"] == "malformed_request"


def test_a_url_over_the_applications_limit_is_414_json(client, settings):
    long_query = "q=" + "x" * settings.NESTA_MAX_URL_LENGTH
    response = client.get(f"/api/v1/organizations?{long_query}")
    assert response.status_code == 414
    assert response.json()["code"] == "uri_too_long"
    assert client.get("/api/v1/organizations?q=" + "x" * 100).status_code == 200


def test_gunicorn_limits_sit_above_the_applications_own():
    import runpy
    from pathlib import Path

    from django.conf import settings

    conf = runpy.run_path(str(Path(settings.BASE_DIR) / "gunicorn.conf.py"))
    assert conf["limit_request_line"] > settings.NESTA_MAX_URL_LENGTH
