"""XLSX import (all or nothing, row errors, bounds) and export (opens with openpyxl, text stays
text, imports again)."""

import datetime as dt
import io

import pytest
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from nesta.core.errors import PermissionDenied, ValidationFailed
from nesta.core.models import AuditLog
from nesta.market.exports import import_template_xlsx, listings_export_xlsx
from nesta.market.models import Listing
from nesta.market.services.listing_import import MAX_IMPORT_ROWS, listings_import_xlsx
from nesta.market.services.listings import listing_create
from tests.conftest import bearer
from tests.market.listings.conftest import listing_data

pytestmark = pytest.mark.django_db
HEADERS = ["类别", "标题", "简介", "关键词", "所属领域", "省份", "城市", "联系电话", "有效期至", "成熟度", "知识产权类型",
           "价格下限(元)", "价格上限(元)", "转化方式", "知识产权（类型与号码）", "需求描述（企业原话）", "合作方式"]  # fmt: skip


def valid_until():
    return timezone.localdate() + dt.timedelta(days=100)


def achievement_row(title="高强韧铝合金压铸技术"):
    return ["技术成果", title, "面向汽车轻量化的压铸技术。", "压铸、铝合金", "automotive", "辽宁省", "沈阳市", "024-12345678",
            valid_until(), "中试", "发明专利", "50万", 500000, "许可、转让", "发明专利 ZL201910000001.1", None, None]  # fmt: skip


def demand_row(title="铸件砂眼问题"):
    return ["技术需求", title, "铸件表面有砂眼。", "砂眼", "automotive", "辽宁", "沈阳", "13812345678",
            valid_until().isoformat(), None, None, None, "30万", None, None, "铸件表面老是有砂眼，合格率低", "委托开发"]  # fmt: skip


def sheet(rows, headers=HEADERS) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(headers)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_import_saves_every_row_as_a_draft_and_audits_it(users):
    report = listings_import_xlsx(actor=users["org_admin"], content=sheet([achievement_row(), demand_row()]))
    assert len(report.created) == 2
    a, d = Listing.objects.order_by("pk")
    assert (a.kind, a.status, a.maturity, a.ip_type) == ("achievement", "draft", "pilot", "invention_patent")
    assert a.price_low == 500000 and a.details["transfer_modes"] == ["license", "assignment"]
    assert a.details["ip_items"] == [{"type": "invention_patent", "number": "ZL201910000001.1"}]
    assert d.kind == "demand" and d.price_high == 300000 and d.city.code == "210100"
    assert d.details["cooperation_modes"] == ["commissioned"]
    assert AuditLog.objects.filter(action="listing.imported").count() == 2


def test_import_is_all_or_nothing_with_every_row_error(users):
    rows = [achievement_row(), demand_row("x"), [*achievement_row("坏成熟度")[:9], "月球级", *achievement_row()[10:]]]
    rows.append([*demand_row("坏城市")[:6], "长春", *demand_row()[7:]])
    with pytest.raises(ValidationFailed) as exc:
        listings_import_xlsx(actor=users["org_admin"], content=sheet(rows))
    assert exc.value.code == "import_failed"
    found = {(e["row"], e["field"]) for e in exc.value.details["rows"]}
    assert (3, "标题") in found and (4, "成熟度") in found and (5, "城市") in found
    assert not any(r == 2 for r, _f in found)
    assert not Listing.objects.exists() and not AuditLog.objects.filter(action="listing.imported").exists()


def test_import_bounds_and_refusals(users):
    user = users["org_admin"]
    with pytest.raises(ValidationFailed) as exc:
        listings_import_xlsx(actor=user, content=b"not a workbook")
    assert exc.value.code == "invalid_file"
    with pytest.raises(ValidationFailed) as exc:
        listings_import_xlsx(actor=user, content=sheet([["x"]], headers=["标题"]))
    assert exc.value.code == "invalid_file"
    with pytest.raises(ValidationFailed) as exc:
        listings_import_xlsx(actor=user, content=sheet([]))
    assert exc.value.code == "import_failed"
    with pytest.raises(ValidationFailed) as exc:
        listings_import_xlsx(actor=user, content=sheet([demand_row()] * (MAX_IMPORT_ROWS + 1)))
    assert exc.value.code in ("too_many_rows", "import_failed")
    with pytest.raises(ValidationFailed) as exc:
        listings_import_xlsx(actor=user, content=b"PK" + b"\0" * (3 * 1024 * 1024))
    assert exc.value.code == "file_too_large"
    with pytest.raises(PermissionDenied):
        listings_import_xlsx(actor=users["member"], content=sheet([demand_row()]))
    assert not Listing.objects.exists()


def test_import_for_another_organisation_needs_the_right(users, org_jl):
    row = [*demand_row(), org_jl.name]
    with pytest.raises(ValidationFailed) as exc:
        listings_import_xlsx(actor=users["org_admin"], content=sheet([row], headers=[*HEADERS, "发布单位"]))
    assert exc.value.details["rows"][0]["field"] == "发布单位"
    report = listings_import_xlsx(
        actor=users["office"],
        content=sheet(
            [[*demand_row()[:5], "吉林省", "长春市", *demand_row()[7:], org_jl.name]], headers=[*HEADERS, "发布单位"]
        ),
    )
    assert report.created[0].organization_id == org_jl.pk


def test_import_api_and_its_codes(api_client, users):
    user = users["org_admin"]
    r = api_client.post("/api/v1/market/listings/import", {"file": io.BytesIO(sheet([demand_row()]))})
    assert r.status_code == 401
    upload = io.BytesIO(sheet([demand_row()]))
    upload.name = "listings.xlsx"
    r = api_client.post("/api/v1/market/listings/import?dry_run=true", {"file": upload}, **bearer(user))
    assert r.status_code == 200 and r.json()["rows"] == 1 and r.json()["created"] == 0
    upload = io.BytesIO(sheet([demand_row("y")]))
    upload.name = "listings.xlsx"
    r = api_client.post("/api/v1/market/listings/import", {"file": upload}, **bearer(user))
    assert r.status_code == 422 and r.json()["code"] == "import_failed" and r.json()["details"]["rows"][0]["row"] == 2
    upload = io.BytesIO(sheet([demand_row()]))
    upload.name = "listings.xlsx"
    r = api_client.post("/api/v1/market/listings/import", {"file": upload}, **bearer(user))
    assert r.status_code == 201 and len(r.json()["ids"]) == 1


# --- export -----------------------------------------------------------------------------------


def test_export_opens_and_keeps_text_as_text_and_imports_again(users):
    owner = users["org_admin"]
    listing_create(actor=owner, data=listing_data(title='=HYPERLINK("http://evil","点我")', keywords="@SUM(1) 铸造"))
    listing_create(
        actor=owner,
        data=listing_data(
            "property_right", details={"asset": "+设备一批", "asset_type": "equipment", "appraised_value": "5000000"}
        ),
    )
    listing_create(
        actor=owner, data=listing_data("investor", details={"stages": ["angel", "a"], "regions": ["210000", "210100"]})
    )
    content = listings_export_xlsx(
        list(Listing.objects.select_related("organization", "field", "province", "city").order_by("pk"))
    )
    wb = load_workbook(io.BytesIO(content))
    ws = wb.worksheets[0]
    headers = [c.value for c in ws[1]]
    title_col = headers.index("标题") + 1
    cell = ws.cell(row=2, column=title_col)
    assert cell.value.startswith("=HYPERLINK") and cell.data_type == "s"
    assert ws.cell(row=2, column=headers.index("类别") + 1).value == "技术成果"
    assert ws.cell(row=3, column=headers.index("标的资产") + 1).value == "+设备一批"
    assert ws.cell(row=4, column=headers.index("关注地区") + 1).value == "辽宁省、沈阳市"
    assert isinstance(ws.cell(row=2, column=headers.index("价格下限(元)") + 1).value, (int, float))
    # the export imports again unchanged
    before = Listing.objects.count()
    listings_import_xlsx(actor=owner, content=content)
    assert Listing.objects.count() == 2 * before


def test_template_per_kind(users):
    wb = load_workbook(io.BytesIO(import_template_xlsx("property_right")))
    headers = [c.value for c in wb.worksheets[0][1]]
    assert "评估值(元)" in headers and "转化方式" not in headers
    assert wb.worksheets[1].title == "填写说明"
    every = [c.value for c in load_workbook(io.BytesIO(import_template_xlsx())).worksheets[0][1]]
    assert "转化方式" in every and "评估值(元)" in every


def test_export_api_scopes(api_client, users, org_jl):
    from tests.market.factories import ListingFactory

    ListingFactory(organization=users["org_admin"].organization)
    ListingFactory(organization=org_jl)
    r = api_client.get("/api/v1/market/listings/export", **bearer(users["member"]))
    assert r.status_code == 200 and "filename*=UTF-8''" in r["Content-Disposition"]
    assert load_workbook(io.BytesIO(r.content)).worksheets[0].max_row == 2
    r = api_client.get("/api/v1/market/listings/export?scope=review", **bearer(users["office"]))
    assert load_workbook(io.BytesIO(r.content)).worksheets[0].max_row == 3
    r = api_client.get("/api/v1/market/listings/export?scope=review", **bearer(users["member"]))
    assert load_workbook(io.BytesIO(r.content)).worksheets[0].max_row == 1  # no review scope: headers only
    r = api_client.get("/api/v1/market/listings/import-template?kind=demand")
    assert r.status_code == 200


def test_import_checks_the_province_a_row_places_its_listing_in(users, org_ln):
    """A province's operator may import for an organisation of its province, not place it in another."""
    headers = [*HEADERS, "发布单位"]
    here = [*demand_row(), org_ln.name]
    elsewhere = [*demand_row()[:5], "吉林省", "长春市", *demand_row()[7:], org_ln.name]
    with pytest.raises(ValidationFailed) as exc:
        listings_import_xlsx(actor=users["province"], content=sheet([here, elsewhere], headers=headers))
    assert [(e["row"], e["field"]) for e in exc.value.details["rows"]] == [(3, "发布单位")]
    assert listings_import_xlsx(actor=users["province"], content=sheet([here], headers=headers)).created


def _upload(content: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("信息.xlsx", content, content_type="application/octet-stream")


def test_background_import_succeeds_or_fails_with_the_error_workbook(users, django_capture_on_commit_callbacks):
    from django.test import Client

    c = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    c.force_login(users["org_admin"])
    with django_capture_on_commit_callbacks(execute=True):
        r = c.post("/api/v1/market/listings/import?background=true", {"file": _upload(sheet([demand_row()]))})
    assert r.status_code == 202, r.content
    job = c.get(r.json()["api_url"]).json()
    assert job["status"] == "succeeded" and len(job["result"]["created"]) == 1 and job["label"] == "导入技术市场信息"
    with django_capture_on_commit_callbacks(execute=True):
        r = c.post("/api/v1/market/listings/import?background=true", {"file": _upload(sheet([demand_row("z")]))})
    job = c.get(r.json()["api_url"]).json()
    assert job["status"] == "failed" and Listing.objects.count() == 1
    from nesta.core.models import BackgroundJob

    failed = BackgroundJob.objects.get(pk=job["id"])
    rows = load_workbook(io.BytesIO(failed.result_file.read())).worksheets[0]
    assert rows.cell(row=2, column=1).value == 2 and rows.cell(row=2, column=2).value == "标题"


def test_background_import_refused_at_once_without_the_permission(users):
    from django.test import Client

    from nesta.core.models import BackgroundJob

    c = Client()
    c.force_login(users["member"])
    r = c.post("/api/v1/market/listings/import?background=true", {"file": _upload(b"PK")})
    assert r.status_code == 403 and not BackgroundJob.objects.exists()
