"""XLSX export and import: real cell types, a lossless round trip, what people type, and an
all-or-nothing import whose errors name the row and the column."""

import io
from datetime import date, datetime
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook

from nesta.core.errors import NotAuthenticated, PermissionDenied, ValidationFailed
from nesta.core.models import AuditLog
from nesta.directory.validators import make_uscc
from nesta.instruments.models import Instrument
from nesta.instruments.selectors.registry import InstrumentFilters, instruments_for_export
from nesta.instruments.services.registry import instrument_create
from nesta.instruments.services.xlsx import (
    HEADERS,
    import_errors_xlsx,
    instruments_export_xlsx,
    instruments_import_xlsx,
    parse_date,
    parse_money,
)
from tests.core.world import reference_loaded
from tests.factories import OrganizationFactory


@pytest.fixture(scope="module")
def reference_module(django_db_setup, django_db_blocker):
    with reference_loaded(django_db_blocker):
        yield


@pytest.fixture
def reference(reference_module, db):
    """The reference data, loaded once for the module."""


@pytest.fixture
def org_dl(reference):
    return OrganizationFactory(
        name="大连理工大学",
        kind="university",
        uscc=make_uscc("1", "2", "210200", "40000001"),
        province_code="210000",
        city_code="210200",
    )


@pytest.fixture
def org_cc(reference):
    return OrganizationFactory(name="长春光机所", province_code="220000", city_code="220100")


def _workbook(rows, headers=HEADERS) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(list(headers))
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _row(**values):
    """A row in the import layout, from {header: value}."""
    return [values.get(h) for h in HEADERS]


FIELDS = [
    "name",
    "owner_id",
    "category__code",
    "model_number",
    "manufacturer",
    "country_of_origin",
    "original_value",
    "purchase_date",
    "techniques",
    "sample_requirements",
    "province__code",
    "city__code",
    "address",
    "status",
    "is_open",
    "is_specialised",
    "internal_hourly_rate",
    "external_hourly_rate",
    "internal_sample_rate",
    "external_sample_rate",
]


def _rows():
    return list(Instrument.objects.order_by("name").values_list(*FIELDS))


def _make_three(office, org_dl, org_cc):
    instrument_create(
        actor=office,
        data={
            "name": "场发射扫描电子显微镜",
            "owner": org_dl.pk,
            "category": "0104",
            "model_number": "SU8010",
            "manufacturer": "日立",
            "country_of_origin": "日本",
            "original_value": "3580000.50",
            "purchase_date": "2019-05-01",
            "techniques": "二次电子像分辨率 1.0 nm（15 kV）\n能谱分析",
            "sample_requirements": "固体、干燥、无磁性",
            "address": "凌工路2号 分析测试中心 101",
            "is_specialised": True,
            "internal_hourly_rate": "200",
            "external_hourly_rate": "400",
            "internal_sample_rate": "80",
            "external_sample_rate": "150.5",
        },
    )
    instrument_create(
        actor=office,
        data={
            "name": "600MHz 超导核磁共振波谱仪",
            "owner": org_cc.pk,
            "category": "0105",
            "original_value": 6200000,
            "status": "repair",
            "is_open": False,
        },
    )
    instrument_create(
        actor=office,
        data={
            "name": "五轴数控加工中心",
            "owner": org_dl.pk,
            "category": "1004",
            "original_value": "980000",
            "city": "",
        },
    )


def test_export_has_real_types_and_a_frozen_header(users, org_dl, org_cc):
    _make_three(users["office"], org_dl, org_cc)
    content = instruments_export_xlsx(instruments_for_export(filters=InstrumentFilters(), max_rows=100))
    ws = load_workbook(io.BytesIO(content)).active
    assert [c.value for c in ws[1]] == HEADERS
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:U4"
    assert ws.column_dimensions["A"].width == 32
    assert ws[1][0].font.bold is True
    sem = [c for c in ws[2]]
    assert sem[0].value == "场发射扫描电子显微镜"
    assert sem[2].value == org_dl.uscc and sem[3].value == "0104"
    assert isinstance(sem[7].value, float) and sem[7].value == 3580000.5
    assert sem[7].number_format == "#,##0.00"
    assert sem[8].value == datetime(2019, 5, 1) and sem[8].is_date
    assert [sem[11].value, sem[12].value, sem[14].value, sem[15].value, sem[16].value] == [
        "辽宁省",
        "大连市",
        "在用",
        "是",
        "是",
    ]
    nmr = [c.value for c in ws[3]]
    assert (nmr[2], nmr[8], nmr[14], nmr[15]) == (None, None, "维修", "否")
    cnc = [c.value for c in ws[4]]
    assert cnc[12] is None  # no city


def test_round_trip(users, org_dl, org_cc):
    _make_three(users["office"], org_dl, org_cc)
    original = _rows()
    content = instruments_export_xlsx(instruments_for_export(filters=InstrumentFilters(), max_rows=100))
    Instrument.objects.all().delete()
    report = instruments_import_xlsx(actor=users["office"], content=content)
    assert (report.rows, len(report.created), report.errors) == (3, 3, [])
    assert _rows() == original


def test_what_people_type(users, org_dl):
    content = _workbook(
        [
            _row(
                仪器名称="液相色谱-质谱联用仪",
                所属单位="大连理工大学",
                分类代码=101,  # Excel dropped the leading zero
                **{"原值(元)": "120万"},
                购置日期="2019年5月1日",
                省份="辽宁",
                城市="大连",
                状态="在用",
                对外开放="是",
                专用仪器="否",
                校内机时费="1,200",
            ),
            _row(
                仪器名称="X射线衍射仪",
                统一社会信用代码=org_dl.uscc.lower(),
                分类代码="X射线仪器",
                **{"原值(元)": "1,200,000元"},
                购置日期=datetime(2020, 3, 15),
                对外开放=False,
            ),
            _row(
                仪器名称="气相色谱仪",
                所属单位="大连理工大学",
                分类代码="0102",
                **{"原值(元)": 85000.0},
                购置日期="2018/7/9",
                省份="210000",
                城市="大连市",
            ),
        ]
    )
    report = instruments_import_xlsx(actor=users["office"], content=content)
    assert report.errors == []
    lcms, xrd, gc = Instrument.objects.order_by("pk")
    assert (lcms.category.code, lcms.original_value, lcms.purchase_date) == (
        "0101",
        Decimal("1200000.00"),
        date(2019, 5, 1),
    )
    assert (lcms.province.code, lcms.city.code, lcms.is_open, lcms.internal_hourly_rate) == (
        "210000",
        "210200",
        True,
        Decimal("1200.00"),
    )
    assert (xrd.owner, xrd.category.code, xrd.original_value, xrd.purchase_date, xrd.is_open) == (
        org_dl,
        "0106",
        Decimal("1200000.00"),
        date(2020, 3, 15),
        False,
    )
    assert (gc.original_value, gc.purchase_date, gc.city.code) == (Decimal("85000.00"), date(2018, 7, 9), "210200")
    assert AuditLog.objects.filter(object_type="instruments.instrument", action="instrument.created").count() == 3


def test_bad_rows_are_reported_and_nothing_is_saved(users, org_dl):
    OrganizationFactory(name="同名研究所")
    OrganizationFactory(name="同名研究所")
    content = _workbook(
        [
            _row(仪器名称="好的一行", 所属单位="大连理工大学", 分类代码="0104", **{"原值(元)": 100}),  # row 2
            _row(仪器名称="无单位", 所属单位="不存在的大学", 分类代码="0104", **{"原值(元)": 100}),  # row 3
            [None] * len(HEADERS),  # row 4: empty, skipped
            _row(仪器名称="坏金额", 所属单位="大连理工大学", 分类代码="0104", **{"原值(元)": "很贵"}),  # row 5
            _row(
                仪器名称="多处错误",
                所属单位="同名研究所",
                分类代码="9999",
                **{"原值(元)": 100},
                购置日期="去年",
                对外开放="也许",
            ),  # row 6
            _row(所属单位="大连理工大学", 分类代码="0104", **{"原值(元)": 100}, 城市="长春"),  # row 7
            _row(仪器名称="负数", 所属单位="大连理工大学", 分类代码="0104", **{"原值(元)": -1}),  # row 8
        ]
    )
    audit_before = AuditLog.objects.count()
    with pytest.raises(ValidationFailed) as exc:
        instruments_import_xlsx(actor=users["office"], content=content)
    assert exc.value.code == "import_failed"
    errors = [(e["row"], e["field"]) for e in exc.value.details["rows"]]
    assert errors == [
        (3, "所属单位"),
        (5, "原值(元)"),
        (6, "所属单位"),
        (6, "分类代码"),
        (6, "购置日期"),
        (6, "对外开放"),
        (7, "仪器名称"),
        (7, "城市"),
        (8, "原值(元)"),
    ]
    messages = {(e["row"], e["field"]): e["message"] for e in exc.value.details["rows"]}
    assert "不存在的大学" in messages[(3, "所属单位")]
    assert "统一社会信用代码" in messages[(6, "所属单位")]
    assert Instrument.objects.count() == 0
    assert AuditLog.objects.count() == audit_before


def test_row_outside_the_actors_scope(users, org_ln, org_cc):
    content = _workbook(
        [
            _row(仪器名称="本单位仪器", 所属单位=org_ln.name, 分类代码="0104", **{"原值(元)": 100}),
            _row(仪器名称="外单位仪器", 所属单位=org_cc.name, 分类代码="0104", **{"原值(元)": 100}),
        ]
    )
    with pytest.raises(ValidationFailed) as exc:
        instruments_import_xlsx(actor=users["org_admin"], content=content)
    assert [(e["row"], e["field"]) for e in exc.value.details["rows"]] == [(3, "所属单位")]
    assert Instrument.objects.count() == 0
    with pytest.raises(PermissionDenied):
        instruments_import_xlsx(actor=users["member"], content=content)
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(NotAuthenticated):
        instruments_import_xlsx(actor=AnonymousUser(), content=content)


def test_dry_run_saves_nothing(users, org_dl):
    content = _workbook([_row(仪器名称="试导入", 所属单位="大连理工大学", 分类代码="0104", **{"原值(元)": 100})])
    report = instruments_import_xlsx(actor=users["office"], content=content, dry_run=True)
    assert (report.rows, report.created, report.errors, report.dry_run) == (1, [], [], True)
    assert Instrument.objects.count() == 0


def test_files_that_are_not_the_layout(users):
    with pytest.raises(ValidationFailed) as exc:
        instruments_import_xlsx(actor=users["office"], content=b"not a workbook")
    assert exc.value.code == "invalid_file"
    with pytest.raises(ValidationFailed) as exc:
        instruments_import_xlsx(actor=users["office"], content=_workbook([["x", "y"]], headers=["名称", "单位"]))
    assert exc.value.code == "invalid_file"
    assert [e["field"] for e in exc.value.details["rows"]] == ["仪器名称", "分类代码", "原值(元)", "所属单位"]
    with pytest.raises(ValidationFailed) as exc:
        instruments_import_xlsx(actor=users["office"], content=_workbook([]))
    assert exc.value.code == "import_failed"


def test_headers_may_come_in_any_order_and_with_full_width_brackets(users, org_dl):
    content = _workbook(
        [[100, "0104", "大连理工大学", "乱序表头"]], headers=["原值（元）", "分类代码", "所属单位", "仪器名称"]
    )
    instruments_import_xlsx(actor=users["office"], content=content)
    assert Instrument.objects.get().name == "乱序表头"


def test_error_workbook():
    content = import_errors_xlsx([{"row": 3, "field": "所属单位", "message": "未找到"}])
    ws = load_workbook(io.BytesIO(content)).active
    assert [[c.value for c in row] for row in ws.iter_rows()] == [["行号", "列", "错误说明"], [3, "所属单位", "未找到"]]


@pytest.mark.parametrize(
    "text,expected",
    [
        ("120万", "1200000.00"),
        ("12.5万元", "125000.00"),
        ("1,200,000", "1200000.00"),
        ("１，２００元", "1200.00"),  # full-width
        ("￥3,000.5", "3000.50"),
        ("2亿", "200000000.00"),
        (1200000, "1200000.00"),
        (99.999, "100.00"),
    ],
)
def test_parse_money(text, expected):
    assert parse_money(text) == Decimal(expected)


@pytest.mark.parametrize(
    "value,expected",
    [
        ("2019-05-01", date(2019, 5, 1)),
        ("2019/5/1", date(2019, 5, 1)),
        ("2019.05.01", date(2019, 5, 1)),
        ("2019年5月1日", date(2019, 5, 1)),
        ("２０１９年５月１日", date(2019, 5, 1)),
        ("20190501", date(2019, 5, 1)),
        ("2019年5月", date(2019, 5, 1)),
        ("2019-05-01 00:00:00", date(2019, 5, 1)),
        (43586, date(2019, 5, 1)),  # an Excel serial number
        (datetime(2019, 5, 1, 8, 30), date(2019, 5, 1)),
    ],
)
def test_parse_date(value, expected):
    assert parse_date(value) == expected


@pytest.mark.parametrize("value", ["2019-02-30", "去年", "5/1/2019", -3])
def test_parse_date_refuses(value):
    with pytest.raises(ValueError):
        parse_date(value)


def test_row_limit(users, org_dl, monkeypatch):
    monkeypatch.setattr("nesta.instruments.services.xlsx.MAX_IMPORT_ROWS", 2)
    row = _row(仪器名称="电镜", 所属单位="大连理工大学", 分类代码="0104", **{"原值(元)": 1})
    instruments_import_xlsx(actor=users["office"], content=_workbook([row, row]), dry_run=True)
    with pytest.raises(ValidationFailed) as exc:
        instruments_import_xlsx(actor=users["office"], content=_workbook([row, row, row]))
    assert exc.value.code == "too_many_rows"


# --- hostile input (issue 7, C.2 and C.5) ----------------------------------------------------


def test_a_control_character_or_a_formula_in_stored_text_never_breaks_an_export(client, users, org_dl, org_cc):
    """C.5: a \\x04 in a name made GET /api/v1/instruments/export.xlsx 500 for every caller, and
    =HYPERLINK(...) was exported as a live formula."""
    _make_three(users["office"], org_dl, org_cc)
    Instrument.objects.filter(category__code="0104").update(name='=HYPERLINK("http://x.example","点我")\x04')
    Instrument.objects.filter(category__code="0105").update(techniques="核磁\x04共振\x1f谱\t仪")
    r = client.get("/api/v1/instruments/export.xlsx")
    assert r.status_code == 200
    ws = load_workbook(io.BytesIO(r.content)).active
    cells = {row[0].value: row for row in ws.iter_rows(min_row=2)}
    link = cells['=HYPERLINK("http://x.example","点我")']
    assert link[0].data_type == "s"  # text, not a formula
    assert cells["600MHz 超导核磁共振波谱仪"][9].value == "核磁共振谱\t仪"


def test_a_control_character_never_breaks_the_ranking_export(client, org_dl):
    from nesta.instruments.exports import ranking_xlsx
    from nesta.instruments.selectors.openness import openness_ranking
    from tests.factories import InstrumentFactory

    org_dl.__class__.objects.filter(pk=org_dl.pk).update(name="大连\x04理工=大学")
    InstrumentFactory(owner=org_dl, name='=HYPERLINK("http://x.example")\x04', is_open=True)
    r = client.get("/api/v1/openness/ranking.xlsx?year=2026")
    assert r.status_code == 200
    ranking = openness_ranking(year=2026)
    detail = load_workbook(io.BytesIO(ranking_xlsx(ranking, year=2026)))["仪器明细"]
    names = [(c.value, c.data_type) for c in detail["B"][1:]]
    assert names == [('=HYPERLINK("http://x.example")', "s")]


def _bomb_workbook() -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(list(HEADERS))
    ws["XFD1048576"] = "x"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_a_workbook_bomb_is_refused_with_the_reason_in_the_api_and_on_the_page(client, users):
    """C.2: a cell at XFD1048576 hung a worker 30 s (HTML 500); now 422 with the reason, at once."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.conftest import bearer

    upload = SimpleUploadedFile("bomb.xlsx", _bomb_workbook(), content_type="application/octet-stream")
    r = client.post("/api/v1/instruments/import", {"file": upload}, **bearer(users["office"]))
    assert r.status_code == 422
    body = r.json()
    assert body["code"] == "too_many_rows" and "1048576" in body["message"]
    assert body["details"]["file"] == [body["message"]]
    with pytest.raises(ValidationFailed) as exc:
        instruments_import_xlsx(actor=users["office"], content=_bomb_workbook(), dry_run=True)
    assert exc.value.code == "too_many_rows"


def test_an_import_validates_outside_the_write_lock_then_writes_briefly(users, org_dl, monkeypatch):
    """C.1: a 2,000-row import held the SQLite write lock ~11 s (concurrent writes got 500).
    Every row is validated before the write transaction is entered; inside it, a handful of bulk
    statements whatever the row count; still all or nothing."""
    from contextlib import contextmanager

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    import nesta.core.transactions as tx
    from nesta.instruments.services import registry as registry_services

    rows = [
        _row(仪器名称=f"电镜{i}", 所属单位="大连理工大学", 分类代码="0104", **{"原值(元)": 1000 + i}) for i in range(60)
    ]
    events: list[str] = []
    prepare = registry_services.instrument_prepare
    monkeypatch.setattr(
        "nesta.instruments.services.xlsx.instrument_prepare",
        lambda **kw: events.append("validate") or prepare(**kw),
    )
    real_gate = tx.sqlite_write_gate
    inside: list[int] = []

    @contextmanager
    def gate(timeout):
        events.append("lock")
        with real_gate(timeout), CaptureQueriesContext(connection) as queries:
            yield
        inside.append(len(queries))

    monkeypatch.setattr(tx, "sqlite_write_gate", gate)
    report = instruments_import_xlsx(actor=users["office"], content=_workbook(rows))
    assert len(report.created) == 60 and Instrument.objects.count() == 60
    assert events == ["validate"] * 60 + ["lock"]  # every row checked before the lock, one lock
    # bulk statements, not five per row (was about 300 for 60 rows); PostgreSQL adds the search
    # posting lists' one locked block write (core.search.postings)
    assert inside[0] <= 13
    assert AuditLog.objects.filter(action="instrument.created").count() == 60
    from nesta.core.audit import diff
    from nesta.instruments.services.registry import instrument_snapshot

    first = report.created[0]  # the audit row is what instrument_create would have written
    entry = AuditLog.objects.get(action="instrument.created", object_id=str(first.pk))
    assert entry.changes == {k: list(v) for k, v in diff({}, instrument_snapshot(first, first.policy)).items()}

    # all or nothing: one bad row and nothing is written, and the lock is never taken
    events.clear()
    bad = [*rows[:3], _row(仪器名称="坏", 所属单位="大连理工大学", 分类代码="0104", **{"原值(元)": "很多"})]
    with pytest.raises(ValidationFailed) as exc:
        instruments_import_xlsx(actor=users["office"], content=_workbook(bad))
    assert exc.value.code == "import_failed" and "lock" not in events
    assert Instrument.objects.count() == 60


def test_an_import_that_fails_while_writing_leaves_nothing(users, org_dl, monkeypatch):
    from django.db import IntegrityError

    from nesta.instruments.services.xlsx import instruments_import_apply, instruments_import_validate

    rows = [_row(仪器名称=f"电镜{i}", 所属单位="大连理工大学", 分类代码="0104", **{"原值(元)": 1}) for i in range(3)]
    plan = instruments_import_validate(actor=users["office"], content=_workbook(rows))
    assert (plan.rows, len(plan.prepared), plan.errors) == (3, 3, [])
    assert Instrument.objects.count() == 0  # validation writes nothing

    def broken(docs, **kw):
        raise IntegrityError("taken meanwhile")

    monkeypatch.setattr("nesta.core.search.engine.index_many", broken)
    with pytest.raises(ValidationFailed) as exc:
        instruments_import_apply(actor=users["office"], plan=plan)
    assert exc.value.code == "import_failed"
    assert Instrument.objects.count() == 0 and not AuditLog.objects.filter(action="instrument.created").exists()
