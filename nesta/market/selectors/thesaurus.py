"""Reads of the domain thesaurus for the operator's pages (`thesaurus.manage`)."""

from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from nesta.core.errors import NotFound
from nesta.core.pagination import Page, keyset_page
from nesta.core.permissions import require
from nesta.market.models import ThesaurusConcept, ThesaurusTerm

ID_MAX = 2_147_483_647


def _concepts() -> QuerySet[ThesaurusConcept]:
    return ThesaurusConcept.objects.select_related("field").prefetch_related(
        Prefetch("terms", queryset=ThesaurusTerm.objects.order_by("role", "term"))
    )


def concepts_page(
    *, viewer: Any, q: str = "", field: str = "", cursor: str | None = None, limit: int = 50
) -> Page[ThesaurusConcept]:
    """Concepts by id, filtered by a word in the name or any term, and by field code."""
    require(viewer, "thesaurus.manage")
    qs = _concepts()
    q = (q or "").strip()[:40]
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(terms__term__icontains=q)).distinct()
    if field:
        qs = qs.filter(field__code=field[:60])
    return keyset_page(qs, cursor=cursor, limit=limit, default_limit=50, with_total=True)


def concept_get(*, viewer: Any, concept_id: int) -> ThesaurusConcept:
    require(viewer, "thesaurus.manage")
    concept = _concepts().filter(pk=concept_id).first() if 0 < concept_id <= ID_MAX else None
    if concept is None:
        raise NotFound(_("未找到该词表概念。"))
    return concept


def terms_by_role(concept: ThesaurusConcept) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {r: [] for r in ThesaurusTerm.Role.values}
    for t in concept.terms.all():
        out.setdefault(t.role, []).append(t.term)
    return out
