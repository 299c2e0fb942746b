"""Registering (登记) and editing an instrument through the web pages: the same registry services as
the API, field errors beside the fields, the photo upload, and who may do it."""

import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from nesta.core.models import AuditLog, Region
from nesta.instruments.forms.registry import InstrumentForm
from nesta.instruments.models import BookingPolicy, Instrument
from nesta.instruments.services import registry
from tests.factories import InstrumentFactory, UserFactory, grant
from tests.web.conftest import text

pytestmark = pytest.mark.django_db

NEW = "/instruments/new/"


def _image(image_format: str) -> bytes:
    """A real, tiny image: photos are decoded and re-encoded (issue 7 C.13), a header is not enough."""
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (4, 3), (200, 30, 30)).save(out, format=image_format)
    return out.getvalue()


PNG = _image("PNG")
JPEG = _image("JPEG")


def edit_url(instrument) -> str:
    return f"/instruments/{instrument.pk}/edit/"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def stored_files(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


@pytest.fixture
def sem(users, org_ln):
    """An instrument of org_ln (沈阳, Liaoning) managed by the instrument manager."""
    instrument = InstrumentFactory(
        owner=org_ln,
        name="场发射扫描电镜",
        model_number="SU8010",
        manufacturer="日立",
        country_of_origin="日本",
        techniques="二次电子像分辨率1.0nm。",
        address="材料楼101",
    )
    BookingPolicy.objects.create(instrument=instrument)
    instrument.managers.add(users["instrument_manager"])
    return instrument


@pytest.fixture
def outsiders(org_jl, jilin):
    """Staff of org_jl (长春, Jilin): its instrument manager, its org admin, Jilin's province office."""
    return {
        "manager_jl": grant(
            UserFactory(username="t_manager_jl", organization=org_jl), "instrument_manager", organization=org_jl
        ),
        "admin_jl": grant(UserFactory(username="t_admin_jl", organization=org_jl), "org_admin", organization=org_jl),
        "province_jl": grant(UserFactory(username="t_province_jl"), "province", province=jilin),
    }


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def form_data(**overrides) -> dict:
    data = {
        "name": "透射电子显微镜",
        "name_en": "Transmission electron microscope",
        "category": "0104",
        "model_number": "JEM-2100F",
        "manufacturer": "日本电子",
        "country_of_origin": "日本",
        "original_value": "3500000.50",
        "purchase_date": "2019-06-18",
        "province": "210000",
        "city": "210100",
        "address": "分析测试中心 105 室",
        "techniques": "点分辨率0.19nm；可进行高分辨成像与能谱分析。",
        "sample_requirements": "粉末或薄膜样品，厚度小于100nm。",
        "managers": "t_manager",
        "status": "in_use",
        "is_open": "on",
        "internal_hourly_rate": "300",
        "external_hourly_rate": "600.5",
        "internal_sample_rate": "80",
        "external_sample_rate": "150",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def prefilled(instrument: Instrument, **changes) -> dict:
    """What the edit page posts back when the user changes only `changes`."""
    initial = InstrumentForm.initial_from(Instrument.objects.get(pk=instrument.pk))
    data = {}
    for key, value in initial.items():
        if isinstance(value, bool):
            if value:
                data[key] = "on"
        elif value is not None:
            data[key] = str(value)
    # "owner" is posted too: only the office and the provinces see its select; other forms ignore it
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


# --- registering ------------------------------------------------------------------------------


def test_org_admin_registers_an_instrument_for_their_organisation(users, org_ln, media):
    c = client_for(users["org_admin"])
    page = c.get(NEW)
    assert page.status_code == 200
    assert 'name="owner"' not in text(page)
    assert org_ln.name in text(page)  # the fixed owner, shown
    assert "分析仪器 › 电子光学仪器" in text(page)  # 大类 › 小类

    response = c.post(NEW, form_data())
    instrument = Instrument.objects.get(name="透射电子显微镜")
    assert response.status_code == 302
    assert response["Location"] == reverse("instruments:detail", args=[instrument.pk])
    assert instrument.owner == org_ln
    assert instrument.category.code == "0104"
    assert instrument.original_value == Decimal("3500000.50")
    assert instrument.purchase_date.isoformat() == "2019-06-18"
    assert (instrument.province.code, instrument.city.code) == ("210000", "210100")
    assert instrument.external_hourly_rate == Decimal("600.50")
    assert instrument.internal_sample_rate == Decimal("80.00")
    assert instrument.is_open is True and instrument.is_specialised is False
    assert instrument.status == "in_use"
    assert list(instrument.managers.values_list("username", flat=True)) == ["t_manager"]
    assert BookingPolicy.objects.filter(instrument=instrument).exists()
    entry = AuditLog.objects.get(object_type="instruments.instrument", object_id=str(instrument.pk))
    assert entry.action == "instrument.created"
    assert entry.actor == users["org_admin"]
    assert entry.changes["name"] == [None, "透射电子显微镜"]

    detail = c.get(response["Location"])
    assert "已登记仪器“透射电子显微镜”。" in text(detail)
    found = Client().get("/instruments/", {"q": "透射电镜"})  # a synonym: indexed by the service
    assert f'href="/instruments/{instrument.pk}/"' in text(found)


def test_office_chooses_the_owner_and_the_place_defaults_to_the_owners(users, org_jl, media):
    c = client_for(users["office"])
    page = c.get(NEW)
    assert f'<option value="{org_jl.pk}"' in text(page)
    response = c.post(NEW, form_data(owner=str(org_jl.pk), province="", city="", managers=""))
    assert response.status_code == 302
    instrument = Instrument.objects.get(name="透射电子显微镜")
    assert instrument.owner == org_jl
    assert (instrument.province.code, instrument.city.code) == ("220000", "220100")
    assert instrument.managers.count() == 0


def test_office_must_choose_an_owner(users, media):
    response = client_for(users["office"]).post(NEW, form_data(managers=""))
    assert response.status_code == 422
    assert response.context["form"].errors["owner"] == ["请选择所属单位。"]
    assert not Instrument.objects.exists()


def test_many_organisations_switch_the_owner_select_to_search(users, org_jl, media, monkeypatch):
    monkeypatch.setattr("nesta.instruments.forms.registry.OWNER_SELECT_LIMIT", 1)
    c = client_for(users["office"])
    page = c.get(NEW)
    assert 'name="org_q"' in text(page)  # the organisation search box
    assert f'<option value="{org_jl.pk}"' not in text(page)
    assert c.post(NEW, form_data(owner=str(org_jl.pk), managers="")).status_code == 302
    assert Instrument.objects.get(name="透射电子显微镜").owner == org_jl


def test_province_registers_only_within_its_province(users, org_ln, org_jl, media):
    c = client_for(users["province"])  # Liaoning
    page = c.get(NEW)
    assert f'<option value="{org_ln.pk}"' in text(page)
    assert f'<option value="{org_jl.pk}"' not in text(page)
    refused = c.post(NEW, form_data(owner=str(org_jl.pk), province="", city="", managers=""))
    assert refused.status_code == 422
    assert refused.context["form"].errors["owner"] == ["您不能为该单位登记仪器。"]
    elsewhere = c.post(NEW, form_data(owner=str(org_ln.pk), province="220000", city="220100", managers=""))
    assert elsewhere.status_code == 422
    assert elsewhere.context["form"].errors["province"] == ["您不能在该省份登记仪器。"]
    assert not Instrument.objects.exists()
    assert c.post(NEW, form_data(owner=str(org_ln.pk))).status_code == 302
    assert Instrument.objects.get().owner == org_ln


# --- invalid input: field errors, nothing written ----------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"original_value": "-1"}, "original_value", "金额不能为负。"),
        ({"external_hourly_rate": "-0.01"}, "external_hourly_rate", "金额不能为负。"),
        ({"original_value": "一百万"}, "original_value", "请输入金额（元），如 1200000 或 1200000.50。"),
        ({"original_value": ""}, "original_value", "这个字段是必填项。"),
        ({"province": "210000", "city": "220100"}, "city", "城市不属于所选省份。"),
        ({"province": "", "city": "210100"}, "province", "请选择城市所在的省份。"),
        ({"category": "9999"}, "category", "未知的仪器分类：9999。"),
        ({"category": ""}, "category", "这个字段是必填项。"),
        ({"name": ""}, "name", "这个字段是必填项。"),
        ({"purchase_date": "2019-13-40"}, "purchase_date", "日期格式应为 YYYY-MM-DD。"),
        ({"managers": "nobody_here"}, "managers", "未找到用户：nobody_here"),
        ({"managers": "t_outsider_user"}, "managers", "仪器管理员须为所属单位的用户：t_outsider_user"),
        ({"status": "broken"}, "status", "选择一个有效的选项。 broken 不在可用的选项中。"),
    ],
)
def test_invalid_input_is_shown_beside_the_field_and_nothing_is_written(
    users, org_jl, media, overrides, field, message
):
    UserFactory(username="t_outsider_user", organization=org_jl)
    audits = AuditLog.objects.count()
    response = client_for(users["org_admin"]).post(NEW, form_data(**overrides))
    assert response.status_code == 422
    assert response.context["form"].errors[field] == [message]
    assert message in text(response)
    assert "提交的信息有误，请按提示修改。" in text(response)
    assert not Instrument.objects.exists()
    assert AuditLog.objects.count() == audits


def test_the_services_own_errors_land_on_their_fields(users, media):
    """The form leaves the date's range to the service; its ValidationFailed is shown beside the field."""
    response = client_for(users["org_admin"]).post(NEW, form_data(purchase_date="2999-01-01"))
    assert response.status_code == 422
    assert response.context["form"].errors["purchase_date"] == ["购置日期不能晚于今天。"]
    assert not Instrument.objects.exists()


# --- editing -----------------------------------------------------------------------------------


def test_edit_page_is_prefilled(users, sem, media):
    page = client_for(users["instrument_manager"]).get(edit_url(sem))
    assert page.status_code == 200
    form = page.context["form"]
    assert form.initial["name"] == "场发射扫描电镜"
    assert form.initial["managers"] == "t_manager"
    assert form.initial["province"] == "210000" and form.initial["city"] == "210100"
    assert 'value="SU8010"' in text(page)


def test_edit_saves_only_what_changed_and_audits_it(users, sem, media):
    c = client_for(users["instrument_manager"])
    response = c.post(edit_url(sem), prefilled(sem, name="场发射扫描电子显微镜", external_hourly_rate="450"))
    assert response.status_code == 302
    assert response["Location"] == reverse("instruments:detail", args=[sem.pk])
    sem.refresh_from_db()
    assert sem.name == "场发射扫描电子显微镜"
    assert sem.external_hourly_rate == Decimal("450.00")
    # untouched
    assert (sem.model_number, sem.manufacturer, sem.address) == ("SU8010", "日立", "材料楼101")
    assert sem.internal_hourly_rate == Decimal("200.00")
    assert sem.original_value == Decimal("1200000.00")
    assert list(sem.managers.values_list("username", flat=True)) == ["t_manager"]
    entry = AuditLog.objects.get(
        object_type="instruments.instrument", object_id=str(sem.pk), action="instrument.updated"
    )
    assert entry.actor == users["instrument_manager"]
    assert set(entry.changes) == {"name", "external_hourly_rate"}
    assert entry.changes["name"] == ["场发射扫描电镜", "场发射扫描电子显微镜"]
    assert "已保存对“场发射扫描电子显微镜”的修改。" in text(c.get(response["Location"]))


def test_edit_without_changes_writes_nothing(users, sem, media):
    c = client_for(users["org_admin"])
    response = c.post(edit_url(sem), prefilled(sem))
    assert response.status_code == 302
    assert not AuditLog.objects.filter(object_type="instruments.instrument").exists()
    assert "未作修改。" in text(c.get(response["Location"]))


def test_edit_managers_and_place(users, sem, org_ln, media):
    colleague = UserFactory(username="t_colleague", organization=org_ln)
    c = client_for(users["org_admin"])
    response = c.post(edit_url(sem), prefilled(sem, managers="t_colleague, t_manager", city="210200"))
    assert response.status_code == 302
    sem.refresh_from_db()
    assert set(sem.managers.all()) == {colleague, users["instrument_manager"]}
    assert sem.city.code == "210200"
    entry = AuditLog.objects.get(object_type="instruments.instrument", action="instrument.updated")
    assert set(entry.changes) == {"city", "managers"}


def test_edit_invalid_input_changes_nothing(users, sem, media):
    response = client_for(users["org_admin"]).post(
        edit_url(sem), prefilled(sem, name="新名称", original_value="-5", city="220100")
    )
    assert response.status_code == 422
    errors = response.context["form"].errors
    assert errors["original_value"] == ["金额不能为负。"]
    assert errors["city"] == ["城市不属于所选省份。"]
    sem.refresh_from_db()
    assert sem.name == "场发射扫描电镜"
    assert not AuditLog.objects.filter(object_type="instruments.instrument").exists()


def test_instrument_manager_may_not_move_the_instrument_to_another_province(users, sem, media):
    response = client_for(users["instrument_manager"]).post(
        edit_url(sem), prefilled(sem, province="220000", city="220100")
    )
    assert response.status_code == 422
    assert response.context["form"].errors["province"] == [
        "您没有将仪器移至其他单位或省份的权限（需在两地都有登记仪器的权限）。"
    ]
    sem.refresh_from_db()
    assert sem.province.code == "210000"


def test_office_moves_the_instrument_to_another_owner(users, sem, org_jl, media):
    data = prefilled(sem, owner=str(org_jl.pk), province="220000", city="220100", managers="")
    response = client_for(users["office"]).post(edit_url(sem), data)
    assert response.status_code == 302
    sem.refresh_from_db()
    assert sem.owner == org_jl and sem.province.code == "220000"
    assert sem.managers.count() == 0


def test_edit_unknown_instrument_is_404(users, reference):
    assert client_for(users["office"]).get("/instruments/999999/edit/").status_code == 404


# --- the photo ---------------------------------------------------------------------------------


def test_photo_is_stored_and_shown_on_the_detail_page(users, media):
    c = client_for(users["org_admin"])
    photo = SimpleUploadedFile("电镜 照片.png", PNG, content_type="image/png")
    response = c.post(NEW, {**form_data(), "photo": photo})
    assert response.status_code == 302
    instrument = Instrument.objects.get()
    assert instrument.photo.name.startswith(f"instruments/{instrument.pk}-")
    assert instrument.photo.name.endswith(".png")
    assert (media / instrument.photo.name).read_bytes() == PNG
    assert stored_files(media) == [instrument.photo.name]
    detail = c.get(response["Location"])
    photo_url = f"/instruments/{instrument.pk}/photo/"
    assert f'src="{photo_url}"' in text(detail)
    served = Client().get(photo_url)  # public, like the instrument, and from this URL only
    assert served.status_code == 200 and served["Content-Type"] == "image/png"
    assert b"".join(served.streaming_content) == PNG
    entry = AuditLog.objects.get(object_type="instruments.instrument", action="instrument.created")
    assert entry.changes["photo"] == [None, instrument.photo.name]


def test_a_new_photo_replaces_the_old_one(users, sem, media, django_capture_on_commit_callbacks):
    c = client_for(users["instrument_manager"])
    c.post(edit_url(sem), {**prefilled(sem), "photo": SimpleUploadedFile("a.png", PNG, content_type="image/png")})
    sem.refresh_from_db()
    old = sem.photo.name
    assert stored_files(media) == [old]
    with django_capture_on_commit_callbacks(execute=True):
        response = c.post(
            edit_url(sem), {**prefilled(sem), "photo": SimpleUploadedFile("b.jpg", JPEG, content_type="image/jpeg")}
        )
    assert response.status_code == 302
    sem.refresh_from_db()
    assert sem.photo.name.endswith(".jpg") and sem.photo.name != old
    assert stored_files(media) == [sem.photo.name]  # the old file is gone
    entries = AuditLog.objects.filter(object_type="instruments.instrument", action="instrument.updated").order_by("pk")
    assert [e.changes for e in entries] == [{"photo": ["", old]}, {"photo": [old, sem.photo.name]}]


@pytest.mark.parametrize(
    ("name", "content", "content_type", "message"),
    [
        ("setup.exe", b"MZ\x90\x00" + b"\x00" * 64, "application/x-msdownload", "照片只能是 JPG 或 PNG 图片。"),
        ("photo.png", b"MZ\x90\x00" + b"\x00" * 64, "image/png", "文件内容不是 JPG 或 PNG 图片。"),
        ("photo.png", PNG, "application/x-msdownload", "照片只能是 JPG 或 PNG 图片。"),
        ("photo.gif", b"GIF89a" + b"\x00" * 64, "image/gif", "照片只能是 JPG 或 PNG 图片。"),
        ("big.png", PNG + b"\x00" * (5 * 1024 * 1024), "image/png", "照片不能超过 5 MB。"),
        ("empty.jpg", b"", "image/jpeg", "所提交的是空文件。"),
    ],
)
def test_a_file_that_is_no_photo_is_refused(users, media, name, content, content_type, message):
    upload = SimpleUploadedFile(name, content, content_type=content_type)
    response = client_for(users["org_admin"]).post(NEW, {**form_data(), "photo": upload})
    assert response.status_code == 422
    assert response.context["form"].errors["photo"] == [message]
    assert message in text(response)
    assert not Instrument.objects.exists()
    assert stored_files(media) == []


def test_a_rolled_back_write_leaves_no_photo_behind(users, sem, media, monkeypatch):
    def broken(instrument):
        raise RuntimeError("index unavailable")

    monkeypatch.setattr(registry, "reindex_instrument", broken)
    photo = SimpleUploadedFile("a.png", PNG, content_type="image/png")
    with pytest.raises(RuntimeError):
        registry.instrument_photo_set(actor=users["org_admin"], instrument=sem, file=photo)
    assert stored_files(media) == []
    sem.refresh_from_db()
    assert sem.photo.name == ""
    assert not AuditLog.objects.filter(object_type="instruments.instrument").exists()


def test_photo_service_checks_permission(users, sem, media):
    from nesta.core.errors import PermissionDenied

    photo = SimpleUploadedFile("a.png", PNG, content_type="image/png")
    with pytest.raises(PermissionDenied):
        registry.instrument_photo_set(actor=users["member"], instrument=sem, file=photo)
    assert stored_files(media) == []


# --- who may -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("member", 403),
        ("expert", 403),
        ("instrument_manager", 403),
        ("manager_jl", 403),
        ("org_admin", 200),
        ("admin_jl", 200),  # registers for their own organisation in Jilin
        ("province", 200),
        ("province_jl", 200),
        ("office", 200),
    ],
)
def test_create_permission_matrix(users, outsiders, media, role, status):
    user = {**users, **outsiders}[role]
    c = client_for(user)
    assert c.get(NEW).status_code == status
    response = c.post(NEW, form_data(managers=""))
    if status == 403:
        assert response.status_code == 403
        assert not Instrument.objects.exists()


def test_create_anonymous_is_sent_to_login(reference, media):
    for response in (Client().get(NEW), Client().post(NEW, form_data())):
        assert response.status_code == 302
        assert response["Location"] == f"{reverse('accounts:login')}?next={NEW}"
    assert not Instrument.objects.exists()


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("member", 403),
        ("expert", 403),
        ("instrument_manager", 200),  # manager of the owner
        ("manager_jl", 403),  # manager of another organisation
        ("org_admin", 200),
        ("admin_jl", 403),
        ("province", 200),  # Liaoning, where the instrument is
        ("province_jl", 403),
        ("office", 200),
    ],
)
def test_edit_permission_matrix(users, outsiders, sem, media, role, status):
    user = {**users, **outsiders}[role]
    c = client_for(user)
    assert c.get(edit_url(sem)).status_code == status
    response = c.post(edit_url(sem), prefilled(sem, name="改名"))
    assert response.status_code == (302 if status == 200 else 403)
    sem.refresh_from_db()
    assert sem.name == ("改名" if status == 200 else "场发射扫描电镜")


def test_edit_anonymous_is_sent_to_login(sem, media):
    url = edit_url(sem)
    for response in (Client().get(url), Client().post(url, prefilled(sem, name="改名"))):
        assert response.status_code == 302
        assert response["Location"] == f"{reverse('accounts:login')}?next={url}"
    sem.refresh_from_db()
    assert sem.name == "场发射扫描电镜"


@pytest.mark.parametrize(("role", "shown"), [("member", False), ("instrument_manager", True), ("office", True)])
def test_detail_page_offers_edit_to_those_who_may(users, sem, role, shown):
    page = client_for(users[role]).get(f"/instruments/{sem.pk}/")
    assert ('data-testid="edit-link"' in text(page)) is shown
    assert (f'href="{edit_url(sem)}"' in text(page)) is shown


@pytest.mark.parametrize(("role", "shown"), [("instrument_manager", False), ("org_admin", True), ("office", True)])
def test_manage_index_offers_registering_to_those_who_may(users, role, shown):
    page = client_for(users[role]).get("/instruments/manage/")
    assert page.status_code == 200
    assert ('data-testid="register-link"' in text(page)) is shown
    assert (f'href="{NEW}"' in text(page)) is shown


def test_city_must_belong_to_the_province_even_for_unknown_codes(users, media):
    assert Region.objects.filter(code="210100", parent__code="210000").exists()
    response = client_for(users["org_admin"]).post(NEW, form_data(city="999999"))
    assert response.status_code == 422
    assert response.context["form"].errors["city"] == ["未知的城市。"]


def test_org_admin_scope_is_the_organisation_not_the_province(users, org_ln, media):
    """An org admin may place their organisation's instrument in another province (POLICY: 本机构)."""
    response = client_for(users["org_admin"]).post(NEW, form_data(province="220000", city="220100"))
    assert response.status_code == 302
    instrument = Instrument.objects.get()
    assert (instrument.owner, instrument.province.code) == (org_ln, "220000")


def test_an_org_admin_cannot_post_another_owner(users, org_ln, org_jl, media):
    response = client_for(users["org_admin"]).post(NEW, form_data(owner=str(org_jl.pk)))
    assert response.status_code == 302
    assert Instrument.objects.get().owner == org_ln


def test_an_instrument_without_a_photo_has_no_photo_url(sem, media):
    assert Client().get(f"/instruments/{sem.pk}/photo/").status_code == 404
    assert Client().get("/instruments/999999/photo/").status_code == 404
    assert Client().get(f"/api/v1/instruments/{sem.pk}").json()["photo"] is None
