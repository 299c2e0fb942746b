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
