"""Writes of the domain thesaurus (operator only: `thesaurus.manage`), each audited.

A concept is saved with its whole list of terms at once (the form edits them together); the
audit row records the concept's fields and the terms before and after. After the commit the
matcher's in-memory thesaurus is told to reload (every worker sees the change within seconds);
listings already indexed keep their concept tokens until `manage.py reindex`, but their words
still meet the new terms through the query's expansion (docs/market-matching.md).
"""

from typing import Any

from django.db import transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext_lazy as _

from nesta.core.audit import audit_record, diff
from nesta.core.errors import NotFound, ValidationFailed
from nesta.core.models import TaxonomyNode
from nesta.core.permissions import require
from nesta.core.search.segment import normalize
from nesta.core.transactions import write_transaction
from nesta.core.validators import clean_text
from nesta.market.matching.thesaurus import bump_version
from nesta.market.models import ThesaurusConcept, ThesaurusTerm

ROLES = tuple(ThesaurusTerm.Role.values)
MAX_TERMS = 60
ID_MAX = 2_147_483_647


def _clean_terms(raw: Any) -> list[tuple[str, str]]:
    """[(term, role)], normalised, without duplicates; ValidationFailed on the field `terms`."""
    if not isinstance(raw, list | tuple):
        raise ValidationFailed(details={"terms": [_("应为词语列表。")]})
    out: dict[str, str] = {}
    errors: list[str] = []
    for item in raw:
        term, role = (item.get("term"), item.get("role")) if isinstance(item, dict) else item
        if role not in ROLES:
            errors.append(str(_("未知的词语角色。")))
            continue
        try:
            text = clean_text(term, field="terms", max_length=40, required=True, multiline=False)
        except ValidationFailed as exc:
            errors += [str(m) for m in exc.details.get("terms", [])]
            continue
        text = normalize(text).strip()
        if len(text.split("*", 1)[0]) < 2 or text.endswith("*") or "**" in text:
            errors.append(_("词语“%(t)s”太短或格式不对（开头至少两个字；* 只能用在两部分之间）。") % {"t": text})
            continue
        out.setdefault(text, role)
    if errors:
        raise ValidationFailed(details={"terms": errors})
    if not out:
        raise ValidationFailed(details={"terms": [_("至少填写一个词语。")]})
    if len(out) > MAX_TERMS:
        raise ValidationFailed(details={"terms": [_("一个概念最多 %(n)d 个词语。") % {"n": MAX_TERMS}]})
    return list(out.items())


def _clean(data: dict[str, Any], concept: ThesaurusConcept | None) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    clean: dict[str, Any] = {}
    for name, size, required in (("name", 60, True), ("note", 300, False)):
        try:
            clean[name] = clean_text(
                data.get(name, ""), field=name, max_length=size, required=required, multiline=False
            )
        except ValidationFailed as exc:
            errors.update(exc.details)
    code = data.get("field") or ""
    clean["field"] = None
    if code:
        node = TaxonomyNode.objects.filter(code=str(code)[:60]).first()
        if node is None:
            errors["field"] = [str(_("未知的领域。"))]
        clean["field"] = node
    clean["is_active"] = bool(data.get("is_active", True))
    if "name" in clean:
        taken = ThesaurusConcept.objects.filter(name=clean["name"])
        if concept is not None:
            taken = taken.exclude(pk=concept.pk)
        if taken.exists():
            errors["name"] = [str(_("已有同名概念。"))]
    try:
        clean["terms"] = _clean_terms(data.get("terms", []))
    except ValidationFailed as exc:
        errors.update(exc.details)
    if errors:
        raise ValidationFailed(details=errors)
    return clean


def _snapshot(concept: ThesaurusConcept) -> dict[str, Any]:
    return {
        "name": concept.name,
        "field": concept.field.code if concept.field is not None else "",
        "note": concept.note,
        "is_active": concept.is_active,
        "terms": sorted(f"{t.role}:{t.term}" for t in concept.terms.all()),
    }


def _apply(concept: ThesaurusConcept, clean: dict[str, Any]) -> None:
    concept.name, concept.field, concept.note = clean["name"], clean["field"], clean["note"]
    concept.is_active = clean["is_active"]
    concept.save()
    concept.terms.all().delete()
    ThesaurusTerm.objects.bulk_create(ThesaurusTerm(concept=concept, term=t, role=r) for t, r in clean["terms"])


def _locked(concept_id: int) -> ThesaurusConcept:
    concept = None
    if isinstance(concept_id, int) and 0 < concept_id <= ID_MAX:
        concept = ThesaurusConcept.objects.select_for_update().filter(pk=concept_id).first()
    if concept is None:
        raise NotFound(_("未找到该词表概念。"))
    return concept


def concept_create(*, actor: Any, data: dict[str, Any]) -> ThesaurusConcept:
    require(actor, "thesaurus.manage")
    with write_transaction():
        clean = _clean(data, None)
        concept = ThesaurusConcept(created_by=actor if getattr(actor, "is_authenticated", False) else None)
        _apply(concept, clean)
        audit_record(
            actor=actor, action="thesaurus.concept_created", instance=concept, changes=diff({}, _snapshot(concept))
        )
        transaction.on_commit(bump_version)
    return concept


def concept_update(*, actor: Any, concept_id: int, data: dict[str, Any]) -> ThesaurusConcept:
    require(actor, "thesaurus.manage")
    with write_transaction():
        concept = _locked(concept_id)
        before = _snapshot(concept)
        clean = _clean(data, concept)
        _apply(concept, clean)
        changes = diff(before, _snapshot(concept))
        if changes:
            audit_record(actor=actor, action="thesaurus.concept_updated", instance=concept, changes=changes)
        transaction.on_commit(bump_version)
    return concept


def concept_delete(*, actor: Any, concept_id: int) -> None:
    require(actor, "thesaurus.manage")
    with write_transaction():
        concept = _locked(concept_id)
        before = _snapshot(concept)
        audit_record(actor=actor, action="thesaurus.concept_deleted", instance=concept, changes=diff(before, {}))
        try:
            concept.delete()
        except ProtectedError:  # nothing protects a concept today; kept so a future FK cannot 500
            raise ValidationFailed(details={"__all__": [_("该概念仍被引用，不能删除。")]}) from None
        transaction.on_commit(bump_version)
