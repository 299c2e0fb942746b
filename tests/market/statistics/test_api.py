"""GET /api/v1/market/statistics (public) and its XLSX (operators): bounds, errors, permission."""

import io

import pytest
from openpyxl import load_workbook

pytestmark = pytest.mark.django_db
URL = "/api/v1/market/statistics"


def test_anyone_reads_a_year(api_client, market_year):
    response = api_client.get(URL, {"year": 2025, "province": "210000"})
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["year"] == 2025 and data["province"] == "210000" and data["province_name"] == "辽宁省"
    assert data["total"]["contracts"] == 5
    assert data["total"]["yoy"]["contracts"] == "400.0" or float(data["total"]["yoy"]["contracts"]) == 400.0
    development = data["by_family"][0]
    assert development["key"] == "development" and development["children"][0]["key"] == "dev_commissioned"
    assert [f["contracts"] for f in data["flows"][0]["output"]] == [1, 1, 1, 1]
    assert len(data["by_month"]) == 12


def test_without_year_the_latest_with_data(api_client, market_year):
    data = api_client.get(URL).json()
    assert data["year"] == 2026 and data["province"] is None
    assert {f["province"] for f in data["flows"]} == {"210000", "220000", "230000"}


def test_an_empty_year_is_zeros_not_an_error(api_client, reference):
    data = api_client.get(URL, {"year": 2100}).json()
    assert data["total"]["contracts"] == 0 and data["total"]["yoy"]["contracts"] is None


@pytest.mark.parametrize(
    "params",
    [
        {"year": 1999},
        {"year": 2101},
        {"year": "abc"},
        {"year": "2025.5"},
        {"year": "99999999999999999999999"},
        {"province": "21"},
        {"province": "2100000"},
        {"province": "21000x"},
        {"province": "210100"},  # a city, not a province
        {"province": "990000"},
        {"province": "21000\x07"},
    ],
)
def test_bad_queries_are_422_with_a_code(api_client, reference, params):
    response = api_client.get(URL, params)
    assert response.status_code == 422, (params, response.content)
    body = response.json()
    assert set(body) == {"code", "message", "details"} and body["code"]


def test_a_nul_is_refused_by_the_platform_guard(api_client, reference):
    response = api_client.get(URL, {"province": "210000\x00"})
    assert response.status_code == 400 and response.json()["code"] == "invalid_characters"


def test_a_bad_token_is_refused_even_here(api_client, reference):
    response = api_client.get(URL, HTTP_AUTHORIZATION="Bearer nonsense")
    assert response.status_code == 401 and response.json()["code"]


def test_the_workbook_needs_login_before_validation(api_client, reference):
    response = api_client.get(URL + ".xlsx", {"year": 1999})
    assert response.status_code == 401 and response.json()["code"] == "not_authenticated"


@pytest.mark.parametrize(
    ("role", "province", "status"),
    [
        ("office", "", 200),
        ("office", "220000", 200),
        ("province", "210000", 200),
        ("province", "220000", 403),
        ("province", "", 403),
        ("org_admin", "210000", 403),
        ("member", "", 403),
        ("expert", "210000", 403),
    ],
)
def test_who_may_export(api_client, users, auth_headers, market_year, role, province, status):
    response = api_client.get(URL + ".xlsx", {"year": 2025, "province": province}, **auth_headers(users[role]))
    assert response.status_code == status, response.content[:300]
    if status == 200:
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        assert "filename*=UTF-8''" in response["Content-Disposition"]
        load_workbook(io.BytesIO(response.content))
    else:
        assert response.json()["code"] == "permission_denied"


def test_the_api_reads_a_constant_number_of_queries(api_client, market_year, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):  # the five of the selector, and the default year's
        assert api_client.get(URL).status_code == 200
    with django_assert_max_num_queries(6):  # the province's check, and the five
        assert api_client.get(URL, {"year": 2025, "province": "220000"}).status_code == 200
