"""The layout (布局) of the bases: the priority areas of 三.2 × the three provinces, how many bases
(national / provincial, not revoked) cover each cell — and the cells no base covers (the seed's
"调整和完善布局"). Three queries whatever the number of bases."""

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q

from nesta.bases.models import Base, BaseLevel, BaseStatus
from nesta.core.models import Region, TaxonomyNode


@dataclass
class LayoutCell:
    national: int = 0
    provincial: int = 0

    @property
    def total(self) -> int:
        return self.national + self.provincial


@dataclass
class LayoutRow:
    area: Any  # a first-level priority area (TaxonomyNode)
    cells: list[LayoutCell] = field(default_factory=list)  # one per province, in `provinces` order

    @property
    def total(self) -> int:
        return sum(c.total for c in self.cells)

    @property
    def gaps(self) -> int:
        return sum(1 for c in self.cells if c.total == 0)


@dataclass
class Layout:
    provinces: list[Any]
    rows: list[LayoutRow]
    base_type: str | None

    @property
    def uncovered(self) -> list[tuple[Any, Any]]:
        """(area, province) pairs with no base at all."""
        return [(r.area, p) for r in self.rows for p, c in zip(self.provinces, r.cells, strict=True) if c.total == 0]


def layout_matrix(*, base_type: str | None = None) -> Layout:
    provinces = list(Region.objects.filter(level=Region.Level.PROVINCE).order_by("code"))
    areas = list(TaxonomyNode.objects.filter(depth=1).order_by("sort_order", "id"))
    qs = Base.objects.exclude(status=BaseStatus.REVOKED)
    if base_type:
        qs = qs.filter(base_type=base_type)
    # a base in a sub-field counts for its first-level area
    counts = (
        qs.values("field_id", "field__parent_id", "field__depth", "host__province__code")
        .order_by()
        .annotate(
            national=Count("id", filter=Q(level=BaseLevel.NATIONAL)),
            provincial=Count("id", filter=Q(level=BaseLevel.PROVINCIAL)),
        )
    )
    index = {p.code: i for i, p in enumerate(provinces)}
    rows = {a.pk: LayoutRow(area=a, cells=[LayoutCell() for _ in provinces]) for a in areas}
    for c in counts:
        # the taxonomy has three levels (group, area, sub-field): a sub-field counts for its area
        area_id = c["field_id"] if c["field__depth"] == 1 else c["field__parent_id"]
        row = rows.get(area_id) if area_id is not None else None
        i = index.get(c["host__province__code"])
        if row is None or i is None:
            continue
        row.cells[i].national += c["national"]
        row.cells[i].provincial += c["provincial"]
    return Layout(provinces=provinces, rows=list(rows.values()), base_type=base_type)
