"""Writes of the zones' policy register (高新区政策, seed 三.3): register a document, change it,
attach its file; keep its search document in step.

`policy.manage` on the document's target — Target(province_code=its province or None): the
office for every document, a province for its own documents and those of its zones. A zone
document's province is its zones' province (all its zones lie in one province); a national
document has none. A change that moves a document needs the permission where it goes as well.
"""

from datetime import date
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from nesta.core import search
from nesta.core.audit import audit_record, diff, snapshot
from nesta.core.errors import Conflict, NotFound, ValidationFailed
from nesta.core.models import SearchDocument
from nesta.core.permissions import Target, require, require_move
from nesta.core.transactions import write_transaction
from nesta.core.validators import clean_text, local_date, region_code, row_id
from nesta.directory.models import Organization, OrganizationKind
from nesta.zones.models import PolicyDocument, PolicyScope
from nesta.zones.selectors.policy import DOC_TYPE, zone_facet
from nesta.zones.services.policy_files import policy_file_check, read_upload

FIELDS = [
    "title",
    "doc_number",
    "issuer",
    "issued_on",
    "effective_until",
    "scope",
    "province",
    "zones",
    "summary",
    "text",
    "file_name",
]
TEXT_FIELDS = {  # name → (max length, required, multiline)
    "title": (200, True, False),
    "doc_number": (60, False, False),
    "issuer": (120, True, False),
    "summary": (2000, False, True),
    "text": (100_000, False, True),
}
EARLIEST = date(1950, 1, 1)  # the model's check constraint
LATEST = date(2100, 12, 31)
MAX_ZONES = 50


def _fail(field: str, message: str, code: str = "invalid_policy") -> ValidationFailed:
    return ValidationFailed(message, code=code, details={field: [message]})


def _zones(value: Any) -> list[Organization]:
    if value is None:
        return []
    if not isinstance(value, list | tuple):
        raise _fail("zones", _("应为高新区 id 的列表。"))
    if len(value) > MAX_ZONES:
        raise _fail("zones", _("最多 %(n)d 个高新区。") % {"n": MAX_ZONES})
    ids = []
    for item in value:
        pk = row_id(item)
        if pk is None:
            raise _fail("zones", _("应为高新区 id 的列表。"))
        ids.append(pk)
    found = {
        o.pk: o
        for o in Organization.objects.filter(pk__in=ids, kind=OrganizationKind.HIGH_TECH_ZONE).select_related(
            "province"
        )
    }
    missing = [i for i in ids if i not in found]
    if missing:
        raise _fail("zones", _("未找到该高新区：%(ids)s") % {"ids": ", ".join(map(str, missing[:5]))}, "unknown_zone")
    return [found[i] for i in dict.fromkeys(ids)]


def _values(data: dict[str, Any], *, document: PolicyDocument | None) -> dict[str, Any]:
    """The typed fields of `data` (all of them when creating), checked one by one and together."""
    creating = document is None
    unknown = sorted(set(data) - set(TEXT_FIELDS) - {"issued_on", "effective_until", "scope", "province", "zones"})
    if unknown:
        raise _fail(unknown[0], _("未知字段。"), "unknown_field")
    out: dict[str, Any] = {}
    for name, (max_length, required, multiline) in TEXT_FIELDS.items():
        if creating or name in data:
            out[name] = clean_text(
                data.get(name), field=name, max_length=max_length, required=required, multiline=multiline
            )
    if creating or "issued_on" in data:
        out["issued_on"] = local_date(
            data.get("issued_on"), field="issued_on", earliest=EARLIEST, latest=timezone.localdate()
        )
    if creating or "effective_until" in data:
        value = data.get("effective_until")
        out["effective_until"] = (
            None
            if value in (None, "")
            else local_date(value, field="effective_until", earliest=EARLIEST, latest=LATEST)
        )
    if creating or "scope" in data:
        if data.get("scope") not in PolicyScope.values:
            raise _fail("scope", _("应为以下之一：%(c)s") % {"c": "、".join(PolicyScope.values)})
        out["scope"] = data["scope"]
    if "zones" in data or creating:
        out["zones"] = _zones(data.get("zones"))
    if "province" in data or creating:
        value = data.get("province")
        out["province"] = None if value in (None, "") else region_code(value, field="province", level="province")

    scope = out.get("scope", document.scope if document else None)
    zones = out["zones"] if "zones" in out else (list(document.zones.all()) if document else [])
    province = out["province"] if "province" in out else (document.province if document else None)
    if scope == PolicyScope.NATIONAL:
        if "province" in out and out["province"] is not None:
            raise _fail("province", _("国家文件不属于某一省份。"), "national_has_province")
        province = None
    if scope != PolicyScope.ZONE and zones:
        if "zones" in out:
            raise _fail("zones", _("只有适用范围为“高新区”的文件才指定高新区。"), "zones_need_zone_scope")
        zones = []
    if scope == PolicyScope.ZONE:
        if not zones:
            raise _fail("zones", _("请选择文件适用的高新区。"), "zones_required")
        provinces = {z.province_id for z in zones}
        if len(provinces) > 1:
            raise _fail("zones", _("一份高新区文件的高新区应在同一省份。"), "zones_in_one_province")
        zone_province = zones[0].province
        if province is not None and province.pk != zone_province.pk and "province" in out:
            raise _fail("province", _("省份应为所选高新区所在的省份。"), "province_mismatch")
        province = zone_province
    if scope == PolicyScope.PROVINCE and province is None:
        raise _fail("province", _("省级文件须指定省份。"), "province_required")
    issued = out.get("issued_on", document.issued_on if document else None)
    until = out["effective_until"] if "effective_until" in out else (document.effective_until if document else None)
    if issued and until and until < issued:
        raise _fail("effective_until", _("有效期不能早于发布日期。"), "invalid_dates")
    out["province"] = province
    out["zones"] = zones
    return out


def _target(province: Any) -> Target:
    return Target(province_code=province.code if province is not None else None)


def _duplicate(values: dict[str, Any], exclude: int | None = None) -> None:
    """Two documents of one issuer with the same 文号 are one document registered twice."""
    number = values.get("doc_number")
    if not number:
        return
    qs = PolicyDocument.objects.filter(issuer=values["issuer"], doc_number=number)
    if exclude:
        qs = qs.exclude(pk=exclude)
    if qs.exists():
        raise Conflict(_("该发文机关的同一文号已登记。"), code="policy_exists", details={"field": "doc_number"})


def policy_search_document(document: PolicyDocument, zones: list[Organization] | None = None) -> SearchDocument:
    zones = zones if zones is not None else list(document.zones.all())
    text = " ".join(
        filter(None, [document.title, document.doc_number, document.issuer, document.summary, document.text])
    )
    return search.engine.build_document(
        DOC_TYPE,
        document.pk,
        text=text,
        province_code=document.province.code if document.province is not None else "",
        kind=document.scope,
        fields=[zone_facet(z.pk) for z in zones],
    )


def _index(document: PolicyDocument, zones: list[Organization]) -> None:
    search.engine.index_many([policy_search_document(document, zones)])


def policy_create(*, actor: Any, data: dict[str, Any], file: Any = None) -> PolicyDocument:
    require(actor, "policy.manage")  # may they register documents at all (before the details)
    values = _values(data, document=None)
    zones = values.pop("zones")
    require(actor, "policy.manage", _target(values["province"]))
    upload = _checked(file) if file is not None else None
    stored: list[str] = []
    try:
        with write_transaction():
            _duplicate(values)
            document = PolicyDocument(**values, created_by=actor if actor.is_authenticated else None)
            document.save()
            document.zones.set(zones)
            if upload:
                _store(document, upload, stored)
            audit_record(
                actor=actor, action="policy.created", instance=document, changes=diff({}, snapshot(document, FIELDS))
            )
            _index(document, zones)
    except BaseException:
        _remove(stored)
        raise
    return document


def _locked(document_id: int) -> PolicyDocument:
    document = (
        PolicyDocument.objects.select_for_update(of=("self",)).select_related("province").filter(pk=document_id).first()
    )
    if document is None:
        raise NotFound(_("未找到该政策文件。"))
    return document


def policy_update(*, actor: Any, document_id: int, data: dict[str, Any]) -> PolicyDocument:
    require(actor, "policy.manage")
    with write_transaction():
        document = _locked(document_id)
        before_target = document.permission_target()
        require(actor, "policy.manage", before_target)
        values = _values(data, document=document)
        zones = values.pop("zones")
        require_move(actor, "policy.manage", before_target, _target(values["province"]))
        merged = {
            "issuer": values.get("issuer", document.issuer),
            "doc_number": values.get("doc_number", document.doc_number),
        }
        if "issuer" in values or "doc_number" in values:
            _duplicate(merged, exclude=document.pk)
        before = snapshot(document, FIELDS)
        for name, value in values.items():
            setattr(document, name, value)
        document.save()
        if sorted(z.pk for z in zones) != before["zones"]:
            document.zones.set(zones)
        changes = diff(before, snapshot(document, FIELDS))
        if changes:
            audit_record(actor=actor, action="policy.updated", instance=document, changes=changes)
        _index(document, zones)
    return document


# --- the document's file ---------------------------------------------------------------------


def _checked(file: Any) -> tuple[str, str, bytes]:
    return policy_file_check(getattr(file, "name", ""), read_upload(file))


def _store(document: PolicyDocument, upload: tuple[str, str, bytes], stored: list[str]) -> None:
    """Write the file (an ASCII storage name; the Chinese name is kept in file_name) and point the
    document at it; the replaced file goes once the change commits."""
    name, _content_type, data = upload
    old = document.file.name or ""
    ext = name.rsplit(".", 1)[-1] if "." in name else "bin"
    document.file.save(f"policy-{document.pk}.{ext}", ContentFile(data), save=False)
    stored.append(document.file.name or "")
    document.file_name = name
    PolicyDocument.objects.filter(pk=document.pk).update(
        file=document.file.name, file_name=name, updated_at=timezone.now()
    )
    if old and old != document.file.name:
        storage = document.file.storage
        transaction.on_commit(lambda: storage.delete(old))


def _remove(stored: list[str]) -> None:
    storage = PolicyDocument._meta.get_field("file").storage  # type: ignore[attr-defined]
    for name in stored:
        if name:
            storage.delete(name)


def policy_file_put(*, actor: Any, document_id: int, file: Any) -> PolicyDocument:
    """Attach (or replace) the document's file: checked before the write lock is taken."""
    require(actor, "policy.manage")
    if file is None:
        raise _fail("file", _("请上传文件。"), "invalid_file")
    upload = _checked(file)
    stored: list[str] = []
    try:
        with write_transaction():
            document = _locked(document_id)
            require(actor, "policy.manage", document.permission_target())
            before = document.file_name
            _store(document, upload, stored)
            audit_record(
                actor=actor,
                action="policy.updated",
                instance=document,
                changes={"file_name": [before, document.file_name]},
            )
    except BaseException:
        _remove(stored)
        raise
    return document


def policy_file_remove(*, actor: Any, document_id: int) -> PolicyDocument:
    require(actor, "policy.manage")
    with write_transaction():
        document = _locked(document_id)
        require(actor, "policy.manage", document.permission_target())
        if not document.file:
            return document
        old, before = document.file.name or "", document.file_name
        storage = document.file.storage
        PolicyDocument.objects.filter(pk=document.pk).update(file="", file_name="", updated_at=timezone.now())
        document.file.name, document.file_name = "", ""
        audit_record(actor=actor, action="policy.updated", instance=document, changes={"file_name": [before, ""]})
        transaction.on_commit(lambda: storage.delete(old))
    return document


def policy_reindex(*, batch_size: int = 1000, progress: Any = None) -> int:
    """Rebuild every policy document's search document (registered with core's reindex)."""
    done, last = 0, 0
    qs = PolicyDocument.objects.select_related("province").prefetch_related("zones").order_by("pk")
    while True:
        batch = list(qs.filter(pk__gt=last)[:batch_size])
        if not batch:
            break
        search.engine.index_many([policy_search_document(d, list(d.zones.all())) for d in batch])
        last = batch[-1].pk
        done += len(batch)
        if progress:
            progress(done)
    return done
