"""Aggregated review scores of a call, raw and calibrated (numerics/calibration.py), the reviews
far from the consensus, and the 会议评审 cut-off. The office's (review.manage on the call).

Five queries whatever the size of the call: the call, its rounds, the round's submitted reviews,
the applications, the reviewers' names.
"""

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from nesta.core.errors import NotFound, ValidationFailed
from nesta.core.permissions import require
from nesta.directory.models import Person
from nesta.programmes.models import (
    Application,
    ApplicationStatus,
    AssignmentStatus,
    Call,
    Review,
    ReviewRound,
    RoundKind,
)
from nesta.programmes.numerics.calibration import Calibration, Flag, Rating, calibrate

KINDS = ("quality", "z", "raw")
KIND_LABELS = {"quality": gettext_lazy("模型校准分"), "z": gettext_lazy("标准分校准"), "raw": gettext_lazy("原始均分")}


@dataclass
class ScoreRow:
    application: Application
    count: int
    raw: float
    z: float
    quality: float
    component: int
    flags: list[Flag]
    totals: list[tuple[int, float]]  # (reviewer id, total) of each review

    def score(self, kind: str) -> float:
        return float(getattr(self, kind))


@dataclass
class ReviewerRow:
    id: int
    name: str
    count: int
    mean: float
    std: float
    offset: float
    z_fallback: bool


@dataclass
class CallScores:
    call: Call
    round: ReviewRound | None
    rounds: list[ReviewRound]
    rows: list[ScoreRow]  # best first by quality
    reviewers: list[ReviewerRow]  # harshest first
    unscored: list[Application]  # in review, no submitted review in this round
    calibration: Calibration
    names: dict[int, str] = field(default_factory=dict)

    def by_kind(self, kind: str) -> list[ScoreRow]:
        return sorted(self.rows, key=lambda r: (-r.score(kind), r.application.pk))

    @property
    def flag_count(self) -> int:
        return sum(len(r.flags) for r in self.rows)


def call_for_scores(*, actor: Any, call_id: int) -> Call:
    call = Call.objects.select_related("owner_province", "programme").filter(pk=call_id).first()
    if call is None:
        raise NotFound(_("未找到该指南。"))
    require(actor, "review.manage", call)
    return call


def _pick_round(rounds: list[ReviewRound], round_id: int | None, with_reviews: set[int]) -> ReviewRound | None:
    if round_id is not None:
        for r in rounds:
            if r.pk == round_id:
                return r
        raise ValidationFailed(details={"round": [_("不是本指南的评审轮次。")]}, code="unknown_round")
    reviewed = [r for r in rounds if r.pk in with_reviews and r.kind != RoundKind.ACCEPTANCE]
    if reviewed:
        return reviewed[-1]
    return rounds[0] if rounds else None


def call_scores(
    *, actor: Any, call_id: int, round_id: int | None = None, ridge: float = 0.0, flag_points: float = 20.0
) -> CallScores:
    """The call's scores in one round (default: the latest round with submitted reviews)."""
    call = call_for_scores(actor=actor, call_id=call_id)
    rounds = list(ReviewRound.objects.filter(call=call).order_by("order"))
    reviews = list(
        Review.objects.filter(assignment__round__call=call, assignment__status=AssignmentStatus.SUBMITTED).values_list(
            "pk", "assignment__round_id", "assignment__application_id", "assignment__expert_id", "total"
        )
    )
    rnd = _pick_round(rounds, round_id, {r[1] for r in reviews})
    ratings = [
        Rating(application=a, reviewer=j, score=float(t), review=pk)
        for pk, round_pk, a, j, t in reviews
        if rnd is not None and round_pk == rnd.pk
    ]
    cal = calibrate(ratings, ridge=ridge, flag_points=flag_points)
    apps = {
        a.pk: a
        for a in Application.objects.filter(call=call)
        .filter(Q(pk__in=list(cal.applications)) | Q(status=ApplicationStatus.IN_REVIEW))
        .select_related("province", "organization", "field__parent__parent")
    }
    names = dict(Person.objects.filter(pk__in=list(cal.reviewers)).values_list("pk", "name"))
    rows = [
        ScoreRow(
            application=apps[a],
            count=s.count,
            raw=s.raw,
            z=s.z,
            quality=s.quality,
            component=s.component,
            flags=s.flags,
            totals=[(r.reviewer, r.score) for r in s.reviews],
        )
        for a, s in cal.applications.items()
        if a in apps
    ]
    rows.sort(key=lambda r: (-r.quality, r.application.pk))
    reviewers = sorted(
        (
            ReviewerRow(j, names.get(j, str(j)), s.count, s.mean, s.std, s.offset, s.z_fallback)
            for j, s in cal.reviewers.items()
        ),
        key=lambda r: (r.offset, r.id),
    )
    unscored = sorted(
        (a for pk, a in apps.items() if pk not in cal.applications and a.status == ApplicationStatus.IN_REVIEW),
        key=lambda a: a.pk,
    )
    return CallScores(call, rnd, rounds, rows, reviewers, unscored, cal, names)


@dataclass
class PanelCutoff:
    round: ReviewRound
    kind: str
    count: int | None
    score: Decimal | None
    passed: list[ScoreRow]
    boundary: float | None  # the lowest score that goes on


def panel_cutoff(scores: CallScores, kind: str = "quality") -> PanelCutoff | None:
    """Who goes on to the 会议评审 panel: from the first panel round after the scored round, the
    best `cutoff_count` (ties at the boundary go on together) and/or those scoring at least
    `cutoff_score`, by `kind`."""
    if scores.round is None:
        return None
    panel = next((r for r in scores.rounds if r.kind == RoundKind.PANEL and r.order > scores.round.order), None)
    if panel is None or (panel.cutoff_count is None and panel.cutoff_score is None):
        return None
    ranked = scores.by_kind(kind)
    if panel.cutoff_score is not None:
        ranked = [r for r in ranked if r.score(kind) + 1e-9 >= float(panel.cutoff_score)]
    if panel.cutoff_count is not None and len(ranked) > panel.cutoff_count:
        if panel.cutoff_count == 0:
            ranked = []
        else:
            line = round(ranked[panel.cutoff_count - 1].score(kind), 2)
            ranked = [r for r in ranked if round(r.score(kind), 2) >= line]
    boundary = min((r.score(kind) for r in ranked), default=None)
    return PanelCutoff(panel, kind, panel.cutoff_count, panel.cutoff_score, ranked, boundary)
