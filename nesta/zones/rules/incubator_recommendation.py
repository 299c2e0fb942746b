"""Which recommendation an evaluated incubator gets — pure, read by the evaluation service and the
page that explains it. The same logic as the innovation bases' (nesta/bases/rules/recommendation.py;
a sibling app, so written here again rather than imported).

Within the scheme's cohort (one kind, or every kind), n incubators ranked (competition ranks: ties
share the better rank):

1. 整改 (rectify): a figure below its minimum (a missing one counts as below), or a rank in the
   bottom share — rank > n − ⌊n × bottom⌋;
2. otherwise 推荐认定国家级 (promote): a provincial incubator whose figures reach every national
   threshold the scheme sets (at least one must be set);
3. otherwise 重点支持 (support): a rank in the top share — rank ≤ ⌊n × top⌋ (at least 1);
4. otherwise 保持 (none).

Ties at a boundary fall in the incubator's favour (they share the better rank).
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from nesta.core.evaluation import top_count


@dataclass(frozen=True)
class Ruling:
    recommendation: str  # a value of zones.models.Recommendation
    grounds: list[str]  # "below_minimum:<key>", "bottom_share", "national_thresholds", "top_share"


def rule(
    *,
    rank: int,
    size: int,
    top_share: float,
    bottom_share: float,
    below_minimum: Sequence[str],
    is_provincial: bool,
    values: Mapping[str, float | None],
    national_thresholds: Mapping[str, float],
) -> Ruling:
    bottom = top_count(size, bottom_share) if bottom_share > 0 else 0
    grounds = [f"below_minimum:{key}" for key in below_minimum]
    if bottom and rank > size - bottom:
        grounds.append("bottom_share")
    if grounds:
        return Ruling("rectify", grounds)
    if (
        is_provincial
        and national_thresholds
        and all((v := values.get(key)) is not None and v >= threshold for key, threshold in national_thresholds.items())
    ):
        return Ruling("promote", ["national_thresholds"])
    if top_share > 0 and rank <= top_count(size, top_share):
        return Ruling("support", ["top_share"])
    return Ruling("none", [])
