"""Writes to the directory. Each function checks permission, validates, saves, re-indexes and
audits in one transaction, so a failed write leaves nothing behind."""

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from nesta.core import search
from nesta.core.audit import audit_record, diff, snapshot
from nesta.core.errors import Conflict, ValidationFailed, validation_details
from nesta.core.models import Region, TaxonomyNode
from nesta.core.permissions import Target, can, require, require_move
from nesta.core.transactions import write_transaction
from nesta.core.validators import row_id
from nesta.directory.models import Affiliation, ExpertProfile, Organization, OrganizationKind, Person

ORGANIZATION_FIELDS = {
    "name",
    "name_en",
    "short_name",
    "kind",
    "is_private_tech_enterprise",
    "uscc",
    "province",
    "city",
    "address",
    "postal_code",
    "website",
    "contact_name",
    "contact_phone",
    "contact_email",
    "description",
    "fields",
    "zone",
    "established_year",
    "is_active",
}
# Who may move an organisation or change what it is: those who may create one there.
ORGANIZATION_STRUCTURAL_FIELDS = {"kind", "province"}
PERSON_FIELDS = {
    "name",
    "gender",
    "title",
    "position",
    "organization",
    "email",
    "phone",
    "bio",
    "fields",
    "keywords",
    "expert",
    "affiliations",
}
EXPERT_FIELDS = {"expertise", "degree", "is_available", "max_reviews_per_year"}


def _unknown_fields(data: dict[str, Any], allowed: set[str]) -> None:
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise ValidationFailed(details={k: [str(_("不支持的字段。"))] for k in unknown})


def _region(code: Any, level: str, field: str) -> Region | None:
    if code in (None, ""):
        return None
    region = Region.objects.filter(code=str(code), level=level).first()
    if region is None:
        raise ValidationFailed(details={field: [str(_("未知的行政区划代码：%(code)s") % {"code": code})]})
    return region


def _taxonomy(codes: Any, field: str = "fields") -> list[TaxonomyNode]:
    if not isinstance(codes, (list, tuple)):
        raise ValidationFailed(details={field: [str(_("应为重点领域代码的列表。"))]})
    codes = [str(c) for c in codes]
    nodes = list(TaxonomyNode.objects.filter(code__in=codes))
    missing = sorted(set(codes) - {n.code for n in nodes})
    if missing:
        raise ValidationFailed(details={field: [str(_("未知的重点领域：%(codes)s") % {"codes": ", ".join(missing)})]})
    return nodes


def _organization(value: Any, field: str) -> Organization | None:
    if value in (None, ""):
        return None
    pk = row_id(value)
    org = Organization.objects.select_related("province").filter(pk=pk).first() if pk else None
    if org is None:
        raise ValidationFailed(details={field: [str(_("机构不存在。"))]})
    return org


def _full_clean(instance: Any, exclude: list[str] | None = None) -> None:
    try:
        instance.full_clean(exclude=exclude)
    except ValidationError as exc:
        raise ValidationFailed(details=validation_details(exc)) from exc


def _ancestors(nodes: list[TaxonomyNode]) -> list[str]:
    codes: set[str] = set()
    for start in nodes:
        node: TaxonomyNode | None = start
        while node is not None:
            codes.add(node.code)
            node = node.parent
    return sorted(codes)


def organization_search_document(org: Organization, field_nodes: list[TaxonomyNode] | None = None):
    nodes = field_nodes if field_nodes is not None else list(org.fields.select_related("parent__parent"))
    # Index the Chinese labels whatever language the writing request speaks (an English-UI edit
    # must not turn 企业/民营科技企业 into English words and hide the record from Chinese searches).
    with translation.override(settings.LANGUAGE_CODE):
        kind_label, private_label = str(org.get_kind_display()), str(_("民营科技企业"))
    text = " ".join(
        filter(
            None,
            [
                org.name,
                org.short_name,
                org.name_en,
                kind_label,
                org.description,
                org.address,
                org.city.name if org.city else "",
                org.province.name,
                *[n.name for n in nodes],
                private_label if org.is_private_tech_enterprise else "",
            ],
        )
    )
    return search.engine.build_document(
        "organization",
        org.pk,
        text=text,
        province_code=org.province.code,
        city_code=org.city.code if org.city else "",
        kind=org.kind,
        fields=_ancestors(nodes),
    )


def _apply_organization(org: Organization, data: dict[str, Any]) -> list[TaxonomyNode] | None:
    for key, value in data.items():
        if key == "province":
            org.province = _region(value, "province", "province")  # type: ignore[assignment]
        elif key == "city":
            org.city = _region(value, "city", "city")
        elif key == "zone":
            org.zone = _organization(value, "zone")
        elif key == "fields":
            continue
        elif key == "uscc":
            org.uscc = (str(value).strip().upper() or None) if value is not None else None
        else:
            setattr(org, key, "" if value is None and key not in {"established_year"} else value)
    errors: dict[str, list[str]] = {}
    if org.province_id is None:
        errors["province"] = [str(_("请选择省份。"))]
    elif org.city and org.city.parent_id != org.province_id:
        errors["city"] = [str(_("城市不属于所选省份。"))]
    if org.zone and org.zone.kind != OrganizationKind.HIGH_TECH_ZONE:
        errors["zone"] = [str(_("所选机构不是国家高新区。"))]
    if errors:
        raise ValidationFailed(details=errors)
    return _taxonomy(data["fields"]) if "fields" in data else None


def _save_organization(org: Organization, nodes: list[TaxonomyNode] | None) -> None:
    _full_clean(org, exclude=["fields"])
    try:
        with transaction.atomic():
            org.save()
    except IntegrityError as exc:
        raise Conflict(_("统一社会信用代码已被其他机构使用。"), code="duplicate_uscc") from exc
    if nodes is not None:
        org.fields.set(nodes)
    search.engine.index_many([organization_search_document(org, nodes)])


@write_transaction()
def organization_create(*, actor: Any, data: dict[str, Any]) -> Organization:
    _unknown_fields(data, ORGANIZATION_FIELDS)
    if "name" not in data or "kind" not in data:
        raise ValidationFailed(
            details={k: [str(_("此字段为必填项。"))] for k in ("name", "kind", "province") if k not in data}
        )
    province = _region(data.get("province"), "province", "province")
    require(actor, "organization.create", Target(province_code=province.code if province else None))
    org = Organization()
    nodes = _apply_organization(org, data)
    _save_organization(org, nodes)
    audit_record(actor=actor, action="organization.created", instance=org, changes=diff({}, snapshot(org)))
    return org


@write_transaction()
def organization_update(*, actor: Any, organization: Organization, data: dict[str, Any]) -> Organization:
    _unknown_fields(data, ORGANIZATION_FIELDS)
    require(actor, "organization.change", organization)
    structural = {k for k in ORGANIZATION_STRUCTURAL_FIELDS & set(data)}
    org = (
        Organization.objects.select_for_update(of=("self",)).select_related("province", "city").get(pk=organization.pk)
    )
    before = snapshot(org)
    nodes = _apply_organization(org, data)
    if structural and any(before[k] != snapshot(org)[k] for k in structural):
        # Kind and province are structural: the same rule as a move (core.permissions).
        require_move(
            actor,
            "organization.create",
            Target(province_code=organization.province.code, organization_id=organization.pk),
            Target(province_code=org.province.code, organization_id=organization.pk),
        )
        if before["kind"] != snapshot(org)["kind"]:
            require(actor, "organization.create", Target(province_code=org.province.code))
    _save_organization(org, nodes)
    changes = diff(before, snapshot(org))
    if changes:
        audit_record(actor=actor, action="organization.updated", instance=org, changes=changes)
    if changes.keys() & {"name", "short_name", "kind", "province", "city"}:
        search.engine.refresh_dependents("organization", org.pk)
    if changes.keys() & {"name", "province", "city"}:
        # People's documents carry their organisation's name, province and city.
        people = Person.objects.filter(organization=org).select_related(
            "organization__province", "organization__city", "expert_profile"
        )
        search.engine.index_many(
            [person_search_document(p, list(p.fields.all())) for p in people.prefetch_related("fields__parent__parent")]
        )
    return org


# --- people and experts ----------------------------------------------------------------------


def person_search_document(person: Person, field_nodes: list[TaxonomyNode] | None = None):
    nodes = field_nodes if field_nodes is not None else list(person.fields.select_related("parent__parent"))
    org = person.organization
    expert = getattr(person, "expert_profile", None)
    text = " ".join(
        filter(
            None,
            [
                person.name,
                person.title,
                person.position,
                org.name if org else "",
                person.keywords,
                person.bio,
                expert.expertise if expert else "",
                *[n.name for n in nodes],
            ],
        )
    )
    return search.engine.build_document(
        "person",
        person.pk,
        text=text,
        province_code=org.province.code if org else "",
        city_code=org.city.code if org and org.city else "",
        kind="expert" if expert else "person",
        fields=_ancestors(nodes),
    )


def _person_target(organization: Organization | None) -> Target:
    return Target(
        province_code=organization.province.code if organization else None,
        organization_id=organization.pk if organization else None,
    )


def _apply_expert(person: Person, value: Any) -> None:
    if value is None:
        ExpertProfile.objects.filter(person=person).delete()
        return
    if not isinstance(value, dict):
        raise ValidationFailed(details={"expert": [str(_("专家信息格式有误。"))]})
    unknown = sorted(set(value) - EXPERT_FIELDS)
    if unknown:
        raise ValidationFailed(details={f"expert.{k}": [str(_("不支持的字段。"))] for k in unknown})
    profile = ExpertProfile.objects.filter(person=person).first() or ExpertProfile(person=person)
    for key, v in value.items():
        setattr(profile, key, v)
    try:
        profile.full_clean()
    except ValidationError as exc:
        raise ValidationFailed(details={f"expert.{k}": v for k, v in validation_details(exc).items()}) from exc
    profile.save()


def _apply_affiliations(person: Person, value: Any) -> None:
    if not isinstance(value, list):
        raise ValidationFailed(details={"affiliations": [str(_("应为任职经历的列表。"))]})
    rows = []
    for i, item in enumerate(value):
        if not isinstance(item, dict):
            raise ValidationFailed(details={f"affiliations[{i}]": [str(_("格式有误。"))]})
        org = _organization(item.get("organization"), f"affiliations[{i}].organization")
        if org is None:
            raise ValidationFailed(details={f"affiliations[{i}].organization": [str(_("此字段为必填项。"))]})
        row = Affiliation(
            person=person,
            organization=org,
            role_title=item.get("role_title") or "",
            start_year=item.get("start_year"),
            end_year=item.get("end_year"),
        )
        try:
            row.full_clean(exclude=["person"], validate_constraints=False)
        except ValidationError as exc:
            raise ValidationFailed(
                details={f"affiliations[{i}].{k}": v for k, v in validation_details(exc).items()}
            ) from exc
        # The check constraint affiliation_years_ordered, with a message a person can act on.
        if row.start_year is not None and row.end_year is not None and row.end_year < row.start_year:
            raise ValidationFailed(details={f"affiliations[{i}].end_year": [str(_("结束年份不能早于起始年份。"))]})
        rows.append(row)
    person.affiliations.all().delete()
    Affiliation.objects.bulk_create(rows)


def _save_person(person: Person, data: dict[str, Any]) -> None:
    nodes = _taxonomy(data["fields"]) if "fields" in data else None
    _full_clean(person, exclude=["fields", "user"])
    person.save()
    if nodes is not None:
        person.fields.set(nodes)
    if "expert" in data:
        _apply_expert(person, data["expert"])
    if "affiliations" in data:
        _apply_affiliations(person, data["affiliations"])
    person = Person.objects.select_related("organization__province", "organization__city", "expert_profile").get(
        pk=person.pk
    )
    search.engine.index_many([person_search_document(person, nodes)])


def _person_snapshot(person: Person) -> dict[str, Any]:
    data = snapshot(person)
    profile = ExpertProfile.objects.filter(person=person).first()
    data["expert"] = snapshot(profile, list(EXPERT_FIELDS)) if profile else None
    data["affiliations"] = (
        [[a.organization_id, a.role_title, a.start_year, a.end_year] for a in person.affiliations.all()]
        if person.pk
        else []
    )
    return data


def _assign_person(person: Person, data: dict[str, Any]) -> None:
    for key, value in data.items():
        if key in {"fields", "expert", "affiliations"}:
            continue
        if key == "organization":
            person.organization = _organization(value, "organization")
        else:
            setattr(person, key, "" if value is None else value)


@write_transaction()
def person_create(*, actor: Any, data: dict[str, Any]) -> Person:
    _unknown_fields(data, PERSON_FIELDS)
    person = Person()
    _assign_person(person, data)
    require(actor, "person.create", _person_target(person.organization))
    _save_person(person, data)
    audit_record(actor=actor, action="person.created", instance=person, changes=diff({}, _person_snapshot(person)))
    return person


@write_transaction()
def person_update(*, actor: Any, person: Person, data: dict[str, Any]) -> Person:
    _unknown_fields(data, PERSON_FIELDS)
    require(actor, "person.change", person)
    person = Person.objects.select_for_update(of=("self",)).select_related("organization__province").get(pk=person.pk)
    before = _person_snapshot(person)
    _assign_person(person, data)
    if person.organization_id != before["organization"] and not can(
        actor, "person.create", _person_target(person.organization)
    ):
        # Moving someone into an organisation is adding them there.
        require(actor, "person.create", _person_target(person.organization))
    _save_person(person, data)
    changes = diff(before, _person_snapshot(person))
    if changes:
        audit_record(actor=actor, action="person.updated", instance=person, changes=changes)
    return person


def directory_reindex(*, batch_size: int = 2000, progress: Any = None) -> int:
    """Rebuild the search documents of every organisation and person (after bulk loads)."""
    done = 0
    orgs = Organization.objects.select_related("province", "city").prefetch_related("fields__parent__parent")
    people = Person.objects.select_related(
        "organization__province", "organization__city", "expert_profile"
    ).prefetch_related("fields__parent__parent")
    jobs: list[tuple[Any, Any]] = [(orgs, organization_search_document), (people, person_search_document)]
    for qs, build in jobs:
        last = 0
        while True:
            batch = list(qs.filter(pk__gt=last).order_by("pk")[:batch_size])
            if not batch:
                break
            search.engine.index_many([build(obj, list(obj.fields.all())) for obj in batch])
            last = batch[-1].pk
            done += len(batch)
            if progress:
                progress(done)
    return done
