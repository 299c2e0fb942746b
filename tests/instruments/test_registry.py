"""Registry services: who may create, change and manage instruments (a matrix over the roles of
the `users` fixture), validation, audit rows and search documents."""

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from nesta.core.errors import NotAuthenticated, PermissionDenied, ValidationFailed
from nesta.core.models import AuditLog, SearchDocument
from nesta.core.search import search
from nesta.instruments.models import Blackout, BookingPolicy, Instrument, Qualification
from nesta.instruments.services.access import blackout_add, blackout_remove, qualification_grant, qualification_revoke
from nesta.instruments.services.indexing import instruments_reindex, synonyms_of
from nesta.instruments.services.registry import instrument_create, instrument_update
from tests.core.world import reference_loaded
from tests.factories import InstrumentFactory, OrganizationFactory, UserFactory

ROLES = ["office", "province", "org_admin", "instrument_manager", "expert", "member", "anonymous"]


@pytest.fixture(scope="module")
def reference_module(django_db_setup, django_db_blocker):
    with reference_loaded(django_db_blocker):
        yield


@pytest.fixture
def reference(reference_module, db):
    """The reference data, loaded once for the module."""


@pytest.fixture
def org_ln2(reference):
    return OrganizationFactory(name="大连测试研究院", province_code="210000", city_code="210200")


@pytest.fixture
def actors(users):
    return {**users, "anonymous": AnonymousUser()}


@pytest.fixture
def owners(org_ln, org_ln2, org_jl):
    return [org_ln, org_ln2, org_jl]


def _refused(role):
    return pytest.raises(NotAuthenticated if role == "anonymous" else PermissionDenied)


def _counts():
    return (Instrument.objects.count(), SearchDocument.objects.count(), AuditLog.objects.count())


def _data(owner, **extra):
    return {"name": "场发射扫描电子显微镜", "owner": owner.pk, "category": "0104", "original_value": "1200000", **extra}


# Columns: owner org_ln (the org roles' own), org_ln2 (same province), org_jl (another province).
CREATE = {
    "office": "YYY",
    "province": "YY.",
    "org_admin": "Y..",
    "instrument_manager": "...",
    "expert": "...",
    "member": "...",
    "anonymous": "...",
}
CHANGE = {
    "office": "YYY",
    "province": "YY.",
    "org_admin": "Y..",
    "instrument_manager": "Y..",
    "expert": "...",
    "member": "...",
    "anonymous": "...",
}
MANAGE = {
    "office": "YYY",
    "province": "...",
    "org_admin": "Y..",
    "instrument_manager": "Y..",
    "expert": "...",
    "member": "...",
    "anonymous": "...",
}
COLUMNS = [0, 1, 2]
IDS = ["own_org", "same_province", "other_province"]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("column", COLUMNS, ids=IDS)
def test_create_matrix(actors, owners, role, column):
    owner = owners[column]
    before = _counts()
    if CREATE[role][column] == "Y":
        instrument = instrument_create(actor=actors[role], data=_data(owner))
        assert (instrument.owner, instrument.province, instrument.city) == (owner, owner.province, owner.city)
        assert _counts() == (before[0] + 1, before[1] + 1, before[2] + 1)
        log = AuditLog.objects.get(object_type="instruments.instrument", object_id=str(instrument.pk))
        assert (log.actor, log.action) == (actors[role], "instrument.created")
    else:
        with _refused(role):
            instrument_create(actor=actors[role], data=_data(owner))
        assert _counts() == before


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("column", COLUMNS, ids=IDS)
def test_change_matrix(actors, owners, role, column):
    instrument = InstrumentFactory(owner=owners[column], name="原名称")
    before = _counts()
    if CHANGE[role][column] == "Y":
        instrument_update(actor=actors[role], instrument=instrument, data={"name": "新名称"})
        assert Instrument.objects.get(pk=instrument.pk).name == "新名称"
        assert AuditLog.objects.filter(object_id=str(instrument.pk), action="instrument.updated").count() == 1
        assert _counts() == (before[0], before[1] + 1, before[2] + 1)  # the factory row was not indexed yet
    else:
        with _refused(role):
            instrument_update(actor=actors[role], instrument=instrument, data={"name": "新名称"})
        assert Instrument.objects.get(pk=instrument.pk).name == "原名称"
        assert _counts() == before


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("column", COLUMNS, ids=IDS)
def test_policy_change_needs_manage(actors, owners, role, column):
    instrument = InstrumentFactory(owner=owners[column])
    BookingPolicy.objects.create(instrument=instrument)
    if MANAGE[role][column] == "Y":
        instrument_update(actor=actors[role], instrument=instrument, data={"policy": {"gap_minutes": 15}})
        assert BookingPolicy.objects.get(instrument=instrument).gap_minutes == 15
    else:
        with _refused(role):
            instrument_update(actor=actors[role], instrument=instrument, data={"policy": {"gap_minutes": 15}})
        assert BookingPolicy.objects.get(instrument=instrument).gap_minutes == 0


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("column", COLUMNS, ids=IDS)
def test_blackout_and_qualification_matrix(actors, owners, role, column):
    instrument = InstrumentFactory(owner=owners[column])
    trainee = UserFactory(username="trainee")
    start = timezone.now() + timedelta(days=2)
    if MANAGE[role][column] == "Y":
        blackout = blackout_add(actor=actors[role], instrument=instrument, start=start, end=start + timedelta(hours=4))
        qualification_grant(actor=actors[role], instrument=instrument, user=trainee)
        assert Blackout.objects.filter(instrument=instrument).count() == 1
        assert Qualification.objects.filter(instrument=instrument, user=trainee).count() == 1
        blackout_remove(actor=actors[role], blackout=blackout)
        assert qualification_revoke(actor=actors[role], instrument=instrument, user=trainee) is True
        assert not Blackout.objects.filter(instrument=instrument).exists()
        assert not Qualification.objects.filter(instrument=instrument).exists()
    else:
        with _refused(role):
            blackout_add(actor=actors[role], instrument=instrument, start=start, end=start + timedelta(hours=4))
        with _refused(role):
            qualification_grant(actor=actors[role], instrument=instrument, user=trainee)
        assert not Blackout.objects.exists()
        assert not Qualification.objects.exists()


def test_moving_an_instrument_needs_create_rights_at_both_ends(users, org_ln, org_ln2, org_jl):
    instrument = instrument_create(actor=users["office"], data=_data(org_ln))
    # The org admin may change its instrument but not hand it to another organisation.
    with pytest.raises(PermissionDenied):
        instrument_update(actor=users["org_admin"], instrument=instrument, data={"owner": org_ln2.pk})
    # The province may move it within Liaoning, not into Jilin.
    instrument_update(actor=users["province"], instrument=instrument, data={"owner": org_ln2.pk, "city": "210200"})
    assert Instrument.objects.get(pk=instrument.pk).owner == org_ln2
    with pytest.raises(PermissionDenied):
        instrument_update(
            actor=users["province"], instrument=instrument, data={"owner": org_jl.pk, "province": "220000", "city": ""}
        )
    assert Instrument.objects.get(pk=instrument.pk).province.code == "210000"


def test_an_org_admin_may_not_move_its_instrument_to_another_province(client, users, org_ln, org_jl):
    """Issue 7 C.9: the org admin moved its own instrument into Jilin by PATCHing province/city,
    which changed which province governs it. A move across provinces needs a province-wide grant
    in both provinces (or the office's), in the service, so the API and the web form alike."""
    from tests.conftest import bearer

    instrument = instrument_create(actor=users["office"], data=_data(org_ln))
    r = client.patch(
        f"/api/v1/instruments/{instrument.pk}",
        {"province": "220000", "city": "220100"},
        content_type="application/json",
        **bearer(users["org_admin"]),
    )
    assert r.status_code == 403, r.content[:300]
    with pytest.raises(PermissionDenied):
        instrument_update(actor=users["org_admin"], instrument=instrument, data={"province": "220000", "city": ""})
    assert Instrument.objects.get(pk=instrument.pk).province.code == "210000"
    # Within its province the org admin still may change the city; the office may move it anywhere.
    instrument_update(actor=users["org_admin"], instrument=instrument, data={"city": "210200"})
    instrument_update(actor=users["office"], instrument=instrument, data={"province": "220000", "city": "220100"})
    assert Instrument.objects.get(pk=instrument.pk).province.code == "220000"
    # and the Liaoning province office may not move it back from Jilin
    with pytest.raises(PermissionDenied):
        instrument_update(actor=users["province"], instrument=instrument, data={"province": "210000", "city": ""})


# --- validation ------------------------------------------------------------------------------


def _fails(actor, data, instrument=None) -> dict:
    with pytest.raises(ValidationFailed) as exc:
        if instrument is None:
            instrument_create(actor=actor, data=data)
        else:
            instrument_update(actor=actor, instrument=instrument, data=data)
    return exc.value.details


def test_required_fields_are_reported_together(users):
    before = _counts()
    details = _fails(users["office"], {"model_number": "SU8010"})
    assert set(details) == {"name", "owner", "category", "original_value"}
    assert _counts() == before


def test_field_errors(users, org_ln):
    office = users["office"]
    assert set(_fails(office, _data(org_ln, category="9999"))) == {"category"}
    assert set(_fails(office, _data(org_ln, original_value="-1"))) == {"original_value"}
    assert set(_fails(office, _data(org_ln, original_value="一百万"))) == {"original_value"}
    assert set(_fails(office, _data(org_ln, external_hourly_rate="-5"))) == {"external_hourly_rate"}
    assert set(_fails(office, _data(org_ln, province="210000", city="220100"))) == {"city"}
    assert set(_fails(office, _data(org_ln, province="999999"))) == {"province"}
    assert set(_fails(office, _data(org_ln, status="broken"))) == {"status"}
    assert set(_fails(office, _data(org_ln, name="x" * 121))) == {"name"}
    assert set(_fails(office, _data(org_ln, colour="red"))) == {"colour"}
    assert set(_fails(office, _data(org_ln, is_open="yes"))) == {"is_open"}
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    assert set(_fails(office, _data(org_ln, purchase_date=tomorrow))) == {"purchase_date"}
    assert set(_fails(office, _data(org_ln, purchase_date="2019-13-01"))) == {"purchase_date"}
    assert Instrument.objects.count() == 0


def test_managers_must_belong_to_the_owner(users, org_ln, org_jl):
    outsider = UserFactory(username="outsider", organization=org_jl)
    details = _fails(users["office"], _data(org_ln, managers=[users["instrument_manager"].pk, outsider.pk]))
    assert list(details) == ["managers"]
    assert str(outsider.pk) in details["managers"][0]
    assert list(_fails(users["office"], _data(org_ln, managers=[2**30]))) == ["managers"]
    instrument = instrument_create(actor=users["office"], data=_data(org_ln, managers=[users["instrument_manager"].pk]))
    assert list(instrument.managers.all()) == [users["instrument_manager"]]


def test_policy_validation(users, org_ln):
    office = users["office"]
    assert list(_fails(office, _data(org_ln, policy={"weekdays": "1289"}))) == ["policy.weekdays"]
    assert list(_fails(office, _data(org_ln, policy={"weekdays": "112"}))) == ["policy.weekdays"]
    assert list(_fails(office, _data(org_ln, policy={"min_minutes": 60, "max_minutes": 30}))) == ["policy.max_minutes"]
    assert list(_fails(office, _data(org_ln, policy={"open_from": "20:00", "open_until": "08:00"}))) == [
        "policy.open_until"
    ]
    assert list(_fails(office, _data(org_ln, policy={"open_from": "25:00"}))) == ["policy.open_from"]
    assert list(_fails(office, _data(org_ln, policy={"speed": 3}))) == ["policy.speed"]
    assert list(_fails(office, _data(org_ln, policy="strict"))) == ["policy"]
    assert Instrument.objects.count() == 0 and BookingPolicy.objects.count() == 0


def test_create_with_everything(users, org_ln):
    instrument = instrument_create(
        actor=users["org_admin"],
        data=_data(
            org_ln,
            model_number="SU8010",
            manufacturer="日立",
            country_of_origin="日本",
            original_value=1234567.5,
            purchase_date="2019-05-01",
            techniques="二次电子像分辨率 1.0 nm",
            province="210000",
            city="210200",
            address="大连市甘井子区凌工路2号",
            status="repair",
            is_open=False,
            is_specialised=True,
            internal_hourly_rate="150.5",
            external_sample_rate=300,
            policy={"open_from": "09:00", "open_until": "17:30", "weekdays": "531", "gap_minutes": 15},
        ),
    )
    instrument.refresh_from_db()
    assert instrument.original_value == Decimal("1234567.50")
    assert instrument.purchase_date == date(2019, 5, 1)
    assert (instrument.province.code, instrument.city.code) == ("210000", "210200")
    assert (instrument.status, instrument.is_open, instrument.is_specialised) == ("repair", False, True)
    assert (instrument.internal_hourly_rate, instrument.external_sample_rate) == (Decimal("150.50"), Decimal("300.00"))
    policy = instrument.policy
    assert (policy.open_from.isoformat(), policy.open_until.isoformat()) == ("09:00:00", "17:30:00")
    assert (policy.weekdays, policy.gap_minutes) == ("135", 15)


def test_create_without_policy_gets_the_default_policy(users, org_ln):
    instrument = instrument_create(actor=users["province"], data=_data(org_ln))
    policy = BookingPolicy.objects.get(instrument=instrument)
    assert (policy.weekdays, policy.open_from.isoformat(), policy.max_minutes) == ("12345", "08:00:00", 480)


def test_province_may_register_but_not_set_rules(users, org_ln):
    with pytest.raises(PermissionDenied):
        instrument_create(actor=users["province"], data=_data(org_ln, policy={"gap_minutes": 10}))
    assert Instrument.objects.count() == 0


def test_blackout_validation(users, org_ln):
    instrument = InstrumentFactory(owner=org_ln)
    start = timezone.now() + timedelta(days=1)
    with pytest.raises(ValidationFailed) as exc:
        blackout_add(actor=users["office"], instrument=instrument, start=start, end=start)
    assert list(exc.value.details) == ["end"]
    with pytest.raises(ValidationFailed) as exc:
        blackout_add(actor=users["office"], instrument=instrument, start=start.replace(tzinfo=None), end=start)
    assert list(exc.value.details) == ["start"]
    with pytest.raises(ValidationFailed) as exc:
        blackout_add(
            actor=users["office"], instrument=instrument, start=start, end=start + timedelta(hours=1), kind="party"
        )
    assert list(exc.value.details) == ["kind"]
    assert not Blackout.objects.exists()


def test_qualification_grant_renews_and_expiry_must_be_future(users, org_ln):
    instrument = InstrumentFactory(owner=org_ln)
    member = users["member"]
    with pytest.raises(ValidationFailed):
        qualification_grant(
            actor=users["instrument_manager"], instrument=instrument, user=member, expires_at=timezone.now()
        )
    first = timezone.now() + timedelta(days=30)
    second = timezone.now() + timedelta(days=365)
    qualification_grant(actor=users["instrument_manager"], instrument=instrument, user=member, expires_at=first)
    qualification_grant(actor=users["instrument_manager"], instrument=instrument, user=member, expires_at=second)
    q = Qualification.objects.get(instrument=instrument, user=member)
    assert (q.expires_at, q.granted_by) == (second, users["instrument_manager"])
    logs = list(AuditLog.objects.filter(object_type="instruments.qualification").order_by("id"))
    assert [log.action for log in logs] == ["qualification.granted", "qualification.renewed"]
    assert logs[1].changes == {"expires_at": [str(first), str(second)]}
    assert qualification_revoke(actor=users["instrument_manager"], instrument=instrument, user=member) is True
    assert qualification_revoke(actor=users["instrument_manager"], instrument=instrument, user=member) is False


# --- audit -----------------------------------------------------------------------------------


def test_audit_rows(users, org_ln):
    manager = users["instrument_manager"]
    instrument = instrument_create(actor=users["org_admin"], data=_data(org_ln, model_number="SU8010"))
    created = AuditLog.objects.get(object_type="instruments.instrument", action="instrument.created")
    assert created.changes["name"] == [None, "场发射扫描电子显微镜"]
    assert created.changes["original_value"] == [None, "1200000.00"]
    assert created.changes["policy.weekdays"] == [None, "12345"]
    instrument_update(
        actor=manager,
        instrument=instrument,
        data={"model_number": "SU8020", "external_hourly_rate": "450", "policy": {"gap_minutes": 10}},
    )
    updated = AuditLog.objects.get(object_type="instruments.instrument", action="instrument.updated")
    assert updated.actor == manager
    assert updated.changes == {
        "model_number": ["SU8010", "SU8020"],
        "external_hourly_rate": ["0.00", "450.00"],
        "policy.gap_minutes": [0, 10],
    }
    # A write that changes nothing leaves no audit row.
    instrument_update(actor=manager, instrument=instrument, data={"model_number": "SU8020"})
    assert AuditLog.objects.filter(object_type="instruments.instrument", action="instrument.updated").count() == 1
    start = timezone.now() + timedelta(days=3)
    blackout = blackout_add(
        actor=manager, instrument=instrument, start=start, end=start + timedelta(hours=2), reason="更换灯丝"
    )
    blackout_remove(actor=manager, blackout=blackout)
    actions = list(
        AuditLog.objects.filter(object_type="instruments.blackout").order_by("id").values_list("action", flat=True)
    )
    assert actions == ["blackout.added", "blackout.removed"]
    removed = AuditLog.objects.get(object_type="instruments.blackout", action="blackout.removed")
    assert removed.changes["reason"] == ["更换灯丝", None]


def test_failed_update_leaves_nothing(users, org_ln):
    instrument = instrument_create(actor=users["office"], data=_data(org_ln))
    before = _counts()
    with pytest.raises(ValidationFailed):
        instrument_update(
            actor=users["office"], instrument=instrument, data={"name": "改名", "policy": {"weekdays": "0"}}
        )
    assert Instrument.objects.get(pk=instrument.pk).name == "场发射扫描电子显微镜"
    assert _counts() == before


# --- search documents ------------------------------------------------------------------------


def test_search_document(users, org_ln):
    instrument = instrument_create(
        actor=users["office"], data=_data(org_ln, manufacturer="日立", techniques="形貌观察", city="210200")
    )
    doc = SearchDocument.objects.get(doc_type="instrument", object_id=instrument.pk)
    assert (doc.province_code, doc.city_code, doc.kind) == ("210000", "210200", "01")
    assert doc.fields == f"0104 01 open status-in_use ownerkind-research_institute owner-{org_ln.pk}"
    tokens = doc.tokens.split()
    for word in ("扫描电镜", "扫描", "电子显微镜", "日立", "形貌", "电子光学", "分析仪器", "大连", "sem"):
        assert word in tokens, word
    instrument_update(actor=users["office"], instrument=instrument, data={"name": "透射电子显微镜"})
    assert search("instrument", "透射电镜").ids == [instrument.pk]
    assert search("instrument", "扫描电镜").ids == []


def test_synonyms():
    assert "扫描电镜" in synonyms_of("场发射扫描电子显微镜")
    assert "液相色谱-质谱联用" in synonyms_of("液质联用仪")
    assert "核磁共振" in synonyms_of("600MHz NMR")
    assert synonyms_of("system test") == []  # "sem"/"tem" only as whole words


def test_reindex_rebuilds_every_document(reference, org_ln):
    made = [InstrumentFactory(owner=org_ln) for _ in range(5)]
    assert SearchDocument.objects.filter(doc_type="instrument").count() == 0
    assert instruments_reindex(batch_size=2) == 5
    assert set(SearchDocument.objects.filter(doc_type="instrument").values_list("object_id", flat=True)) == {
        i.pk for i in made
    }


def test_reindex_command_covers_instruments(reference, org_ln):
    import io

    from django.core.management import call_command

    instrument = InstrumentFactory(owner=org_ln, name="万能材料试验机")
    out = io.StringIO()
    call_command("reindex", stdout=out)
    assert "reindexed 1 instrument records" in out.getvalue()
    assert search("instrument", "材料试验机").ids == [instrument.pk]


# --- photos are decoded and re-encoded (issue 7 C.13) ----------------------------------------

ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8 + b"payload-that-must-not-be-served" * 8


def _png(size=(8, 6)) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, (10, 120, 200)).save(out, format="PNG")
    return out.getvalue()


def _bomb_png(width: int, height: int) -> bytes:
    """A PNG whose header declares width × height pixels (and holds almost nothing)."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b"")
    )


@pytest.fixture
def photo_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _upload(name: str, content: bytes, content_type: str = "image/png"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type=content_type)


def test_a_png_header_followed_by_an_executable_is_refused(users, org_ln, photo_media):
    from nesta.instruments.services.registry import instrument_photo_set

    instrument = instrument_create(actor=users["office"], data=_data(org_ln))
    with pytest.raises(ValidationFailed) as exc:
        instrument_photo_set(
            actor=users["office"], instrument=instrument, file=_upload("a.png", b"\x89PNG\r\n\x1a\n" + ELF)
        )
    assert exc.value.details == {"photo": ["文件内容不是 JPG 或 PNG 图片。"]}
    assert list(photo_media.rglob("*.png")) == []


def test_what_is_stored_is_what_was_decoded(users, org_ln, photo_media):
    from PIL import Image

    from nesta.instruments.services.registry import instrument_photo_set

    instrument = instrument_create(actor=users["office"], data=_data(org_ln))
    instrument_photo_set(actor=users["office"], instrument=instrument, file=_upload("a.png", _png() + ELF))
    stored = (photo_media / Instrument.objects.get(pk=instrument.pk).photo.name).read_bytes()
    assert b"ELF" not in stored and b"payload" not in stored
    assert Image.open(io.BytesIO(stored)).size == (8, 6)
    # EXIF (GPS position, camera serial) is not kept either
    jpeg = io.BytesIO()
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    Image.new("RGB", (8, 6)).save(jpeg, format="JPEG", exif=exif)
    assert b"SecretCam" in jpeg.getvalue()
    instrument_photo_set(
        actor=users["office"], instrument=instrument, file=_upload("b.jpg", jpeg.getvalue(), "image/jpeg")
    )
    stored = (photo_media / Instrument.objects.get(pk=instrument.pk).photo.name).read_bytes()
    assert b"SecretCam" not in stored and Image.open(io.BytesIO(stored)).format == "JPEG"


@pytest.mark.parametrize("side", [8_000, 50_000])  # 64 MP (ours), 2.5 GP (Pillow's bound too)
def test_a_decompression_bomb_is_refused_before_decoding(users, org_ln, photo_media, side):
    from nesta.instruments.services.registry import instrument_photo_set

    instrument = instrument_create(actor=users["office"], data=_data(org_ln))
    with pytest.raises(ValidationFailed) as exc:
        instrument_photo_set(actor=users["office"], instrument=instrument, file=_upload("a.png", _bomb_png(side, side)))
    assert "像素" in exc.value.details["photo"][0]
