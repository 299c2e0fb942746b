"""Reads of the funding selection: the candidates of a call (in expert review, with a score), the
selection runs and their two lists (optimised and rank-until-budget) as the office compares them."""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from nesta.core.errors import NotFound
from nesta.core.permissions import can, require
from nesta.programmes.models import Application, ApplicationStatus, Call, SelectionRun
from nesta.programmes.numerics.selection import Candidate
from nesta.programmes.selectors.scores import CallScores

GROUPS = ("province", "field", "tilt")


def top_field(app: Application) -> Any:
    """The priority area at the top of the application's field (select_related field__parent__parent)."""
    node = app.field
    while node.parent_id is not None and node.parent is not None:
        node = node.parent
    return node


def groups_of(app: Application) -> dict[str, str]:
    return {
        "province": app.province.code,
        "field": top_field(app).code,
        "tilt": "1" if app.is_private_tech else "0",
    }


def candidates(scores: CallScores, kind: str, amounts: dict[int, Decimal] | None = None) -> list[Candidate]:
    """Applications still in expert review with a score of `kind`; the cost is the proposed amount
    when given, else the amount requested."""
    amounts = amounts or {}
    return [
        Candidate(
            id=r.application.pk,
            score=round(r.score(kind), 2),
            cost=amounts.get(r.application.pk, r.application.requested_amount),
            groups=groups_of(r.application),
        )
        for r in scores.rows
        if r.application.status == ApplicationStatus.IN_REVIEW
    ]


def may_decide(actor: Any, call: Call) -> bool:
    return can(actor, "application.decide", call)


def runs_of(*, actor: Any, call: Call, limit: int = 10) -> list[SelectionRun]:
    require(actor, "application.decide", call)
    return list(
        SelectionRun.objects.filter(call=call).select_related("created_by").order_by("-created_at", "-id")[:limit]
    )


def run_get(*, actor: Any, run_id: int) -> SelectionRun:
    run = (
        SelectionRun.objects.select_related("call__owner_province", "call__programme", "created_by")
        .filter(pk=run_id)
        .first()
    )
    if run is None:
        raise NotFound(_("未找到该遴选测算。"))
    require(actor, "application.decide", run.call)
    return run


@dataclass
class Line:
    application: Application
    score: float
    cost: Decimal
    in_optimal: bool
    in_rank: bool
    tied: bool
    drawn: bool


def run_lines(run: SelectionRun) -> list[Line]:
    """Every candidate of the run with where it stands in each list, best score first (one query)."""
    result = run.result or {}
    scores = {int(k): v for k, v in (result.get("scores") or {}).items()}
    costs = {int(k): Decimal(v) for k, v in (result.get("costs") or {}).items()}
    optimal = set(result.get("selected") or [])
    rank = set((result.get("rank_list") or {}).get("selected") or [])
    lottery = result.get("lottery") or {}
    tied, drawn = set(lottery.get("tied") or []), set(lottery.get("drawn") or [])
    apps = Application.objects.filter(pk__in=list(scores)).select_related("province", "organization", "field")
    lines = [
        Line(
            a,
            float(scores[a.pk]),
            costs.get(a.pk, a.requested_amount),
            a.pk in optimal,
            a.pk in rank,
            a.pk in tied,
            a.pk in drawn,
        )
        for a in apps
    ]
    lines.sort(key=lambda line: (-line.score, line.cost, line.application.pk))
    return lines


def in_review_ids(call: Call) -> list[int]:
    return list(
        Application.objects.filter(call=call, status=ApplicationStatus.IN_REVIEW)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
