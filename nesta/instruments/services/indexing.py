"""Search documents of instruments: the text (with the synonyms people use for the same
instrument) and the filter tokens an instrument is indexed under, and the re-indexers the app
registry and the owner's changes call."""

import re
from collections.abc import Callable
from typing import Any

from nesta.core import search
from nesta.core.models import SearchDocument
from nesta.core.search.segment import normalize
from nesta.instruments.models import Instrument

DOC_TYPE = "instrument"
OPEN_FIELD = "open"

# Words people use for the same instrument. A document holding one of them also carries the
# others, so 扫描电镜 finds a record written as 扫描电子显微镜 (and SEM), and the other way round.
SYNONYMS: list[tuple[str, ...]] = [
    ("扫描电镜", "扫描电子显微镜", "SEM"),
    ("透射电镜", "透射电子显微镜", "TEM"),
    ("电镜", "电子显微镜"),
    ("核磁共振", "核磁共振波谱仪", "核磁", "NMR"),
    ("液质联用", "液相色谱-质谱联用", "液相色谱质谱联用", "LC-MS"),
    ("气质联用", "气相色谱-质谱联用", "气相色谱质谱联用", "GC-MS"),
    ("X射线衍射仪", "X射线衍射", "XRD"),
    ("X射线荧光光谱仪", "XRF"),
    ("电感耦合等离子体质谱", "ICP-MS"),
    ("原子力显微镜", "AFM"),
    ("激光共聚焦显微镜", "共聚焦显微镜"),
    ("质谱仪", "质谱"),
    ("数控机床", "数控加工中心", "CNC"),
    ("万能材料试验机", "万能试验机", "材料试验机"),
]


def _alias_pattern(term: str) -> re.Pattern[str]:
    term = normalize(term)
    if term.isascii():  # Latin abbreviations match whole words only (sem ≠ system)
        return re.compile(r"(?<![0-9a-z])" + re.escape(term) + r"(?![0-9a-z])")
    return re.compile(re.escape(term))


_SYNONYM_PATTERNS = [(group, [_alias_pattern(t) for t in group]) for group in SYNONYMS]


def synonyms_of(text: str) -> list[str]:
    """The synonyms of every instrument word in `text`, to be indexed beside it."""
    folded = normalize(text)
    extra: list[str] = []
    for group, patterns in _SYNONYM_PATTERNS:
        if any(p.search(folded) for p in patterns):
            extra += group
    return extra


def facet_fields(instrument: Instrument) -> list[str]:
    """The filter tokens of an instrument's document: its category and the category's parent,
    then the flags the list filters on (open to outsiders, status, owner and owner's kind), so a
    filtered query stays one index lookup."""
    category = instrument.category
    parent = category.parent if category.parent_id else None
    codes = [category.code, parent.code] if parent is not None else [category.code]
    if instrument.is_open:
        codes.append(OPEN_FIELD)
    return [
        *codes,
        f"status-{instrument.status}",
        f"ownerkind-{instrument.owner.kind}",
        f"owner-{instrument.owner_id}",
    ]


def instrument_search_document(instrument: Instrument) -> SearchDocument:
    """The instrument's search document (owner, category with parent, city and province loaded)."""
    category = instrument.category
    parent = category.parent
    text = " ".join(
        filter(
            None,
            [
                instrument.name,
                instrument.name_en,
                instrument.model_number,
                instrument.manufacturer,
                instrument.country_of_origin,
                instrument.techniques,
                instrument.sample_requirements,
                category.name,
                parent.name if parent else "",
                instrument.owner.name,
                instrument.owner.short_name,
                instrument.city.name if instrument.city else "",
                instrument.province.name,
            ],
        )
    )
    text = " ".join([text, *synonyms_of(text)])
    return search.engine.build_document(
        DOC_TYPE,
        instrument.pk,
        text=text,
        province_code=instrument.province.code,
        city_code=instrument.city.code if instrument.city else "",
        kind=parent.code if parent else category.code,
        fields=facet_fields(instrument),
    )


def reindex_instrument(instrument: Instrument) -> None:
    search.engine.index_many([instrument_search_document(instrument)])


def reindex_owner_instruments(organization_id: int) -> None:
    """Re-index an owner's instruments after the owner's name, kind or place changed."""
    instruments = Instrument.objects.filter(owner_id=organization_id).select_related(
        "owner", "category__parent", "province", "city"
    )
    search.engine.index_many([instrument_search_document(i) for i in instruments])


def instruments_reindex(*, batch_size: int = 2000, progress: Callable[[int], Any] | None = None) -> int:
    """Rebuild the search documents of every instrument (after bulk loads and demo data)."""
    done = 0
    last = 0
    qs = Instrument.objects.select_related("owner", "category__parent", "province", "city").order_by("pk")
    while True:
        batch = list(qs.filter(pk__gt=last)[:batch_size])
        if not batch:
            break
        search.engine.index_many([instrument_search_document(i) for i in batch])
        last = batch[-1].pk
        done += len(batch)
        if progress:
            progress(done)
    return done
