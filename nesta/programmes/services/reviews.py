"""An expert's review of an application on an accepted seat: per-criterion scores on each
criterion's scale, the overall grade (综合评价), the funding opinion (资助意见), familiarity and the
comments; the seat becomes `submitted`. Experts act only on their own seats (review.submit,
Scope.SELF through the expert's user).

The total, on 0–100, is Σ weight × points / Σ weight × 100, where a criterion's points are
score / max_score on the 百分制 scale and the scale's fraction otherwise (SCALE_POINTS): A 优 1.0,
B 良 0.8, C 中 0.6, D 差 0.3; 优先资助 1.0, 可资助 0.7, 不予资助 0.2; 熟悉 1.0, 较熟悉 0.7, 不太熟悉 0.4.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from nesta.core.audit import audit_record
from nesta.core.errors import Conflict, NotFound, ValidationFailed
from nesta.core.permissions import require
from nesta.core.transactions import write_transaction
from nesta.core.validators import clean_text
from nesta.programmes.models import (
    ApplicationStatus,
    Assignment,
    AssignmentStatus,
    Criterion,
    CriterionScale,
    Familiarity,
    Grade,
    Opinion,
    Review,
)

COMMENTS_MAX = 8000
COMMENTS_MIN = 10  # a review states its reasons (a word or two is no review)
SCALE_POINTS: dict[str, dict[str, Decimal]] = {
    CriterionScale.GRADE: {"A": Decimal("1.0"), "B": Decimal("0.8"), "C": Decimal("0.6"), "D": Decimal("0.3")},
    CriterionScale.OPINION: {"priority": Decimal("1.0"), "fundable": Decimal("0.7"), "reject": Decimal("0.2")},
    CriterionScale.FAMILIARITY: {"expert": Decimal("1.0"), "somewhat": Decimal("0.7"), "little": Decimal("0.4")},
}
CODES = {
    "criterion_missing": gettext_lazy("缺少评审指标的评分"),
    "unknown_criterion": gettext_lazy("不是本指南的评审指标"),
    "invalid_score": gettext_lazy("评分格式有误"),
    "score_out_of_range": gettext_lazy("评分超出范围"),
    "invalid_choice": gettext_lazy("选项无效"),
    "comments_required": gettext_lazy("评审意见必填"),
    "invalid_text": gettext_lazy("文本有误（过长或含控制字符）"),
}


def _fail(details: dict[str, list[str]], *, code: str) -> ValidationFailed:
    return ValidationFailed(details=details, code=code)


@dataclass(frozen=True)
class ReviewInput:
    scores: dict[str, Any]
    grade: Any
    opinion: Any
    familiarity: Any
    comments: Any


def _seat_for_update(assignment_id: Any) -> Assignment:
    if isinstance(assignment_id, bool) or not isinstance(assignment_id, int) or not 0 < assignment_id < 2**31:
        raise NotFound(_("未找到该评审任务。"))
    seat = (
        Assignment.objects.select_for_update(of=("self",))
        .select_related("round__call", "application__province", "expert")
        .filter(pk=assignment_id)
        .first()
    )
    if seat is None:
        raise NotFound(_("未找到该评审任务。"))
    return seat


def _score(c: Criterion, value: Any) -> tuple[Any, Decimal]:
    """(the value as stored, its points in 0..1) or ValidationFailed for this criterion."""
    field = f"scores.{c.code}"
    if c.scale == CriterionScale.SCORE:
        if isinstance(value, bool) or not isinstance(value, (int, float, str, Decimal)):
            raise _fail({field: [_("请输入 0 到 %(m)d 之间的分数。") % {"m": c.max_score}]}, code="invalid_score")
        try:
            number = Decimal(str(value).strip())
        except (InvalidOperation, ValueError):
            raise _fail({field: [_("分数格式有误。")]}, code="invalid_score") from None
        if not number.is_finite() or number != number.quantize(Decimal("0.1")):
            raise _fail({field: [_("分数最多保留一位小数。")]}, code="invalid_score")
        if not 0 <= number <= c.max_score:
            raise _fail({field: [_("应在 0 到 %(m)d 分之间。") % {"m": c.max_score}]}, code="score_out_of_range")
        stored: Any = int(number) if number == number.to_integral_value() else float(number)
        return stored, number / Decimal(c.max_score or 1)
    points = SCALE_POINTS[c.scale]
    if not isinstance(value, str) or value not in points:
        raise _fail({field: [_("请选择有效的选项。")]}, code="invalid_choice")
    return value, points[value]


def check_scores(criteria: list[Criterion], scores: Any) -> tuple[dict[str, Any], Decimal]:
    """The clean scores {code: value} and the total on 0–100; every problem reported at once."""
    if not isinstance(scores, dict):
        raise _fail({"scores": [_("分项评分格式有误。")]}, code="invalid_score")
    problems: dict[str, list[str]] = {}
    codes: list[str] = []
    known = {c.code for c in criteria}
    for key in scores:
        if key not in known:
            problems[f"scores.{str(key)[:40]}"] = [_("不是本指南的评审指标。")]
            codes.append("unknown_criterion")
    clean: dict[str, Any] = {}
    weighted, weights = Decimal("0"), Decimal("0")
    for c in criteria:
        if c.code not in scores or scores[c.code] in (None, ""):
            problems[f"scores.{c.code}"] = [_("请为“%(n)s”评分。") % {"n": c.name}]
            codes.append("criterion_missing")
            continue
        try:
            stored, points = _score(c, scores[c.code])
        except ValidationFailed as exc:
            problems.update(exc.details)
            codes.append(exc.code)
            continue
        clean[c.code] = stored
        weighted += c.weight * points
        weights += c.weight
    if problems:
        raise _fail(problems, code=codes[0])
    total = weighted / weights * 100 if weights > 0 else Decimal("0")
    return clean, min(Decimal("100"), max(Decimal("0"), total)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _choice(value: Any, choices: Any, field: str) -> str:
    if not isinstance(value, str) or value not in choices.values:
        raise _fail({field: [_("请选择有效的选项。")]}, code="invalid_choice")
    return value


def review_submit(*, actor: Any, assignment_id: int, data: ReviewInput) -> Review:
    """Submit the review of an accepted seat (409 invalid_state otherwise; 409
    application_not_in_review when the application has left expert review)."""
    with write_transaction():
        seat = _seat_for_update(assignment_id)
        require(actor, "review.submit", seat)
        if seat.status != AssignmentStatus.ACCEPTED:
            message = _("该评审已提交。") if seat.status == AssignmentStatus.SUBMITTED else _("请先接受评审邀请。")
            raise Conflict(message, code="invalid_state", details={"status": seat.status, "allowed": ["accepted"]})
        if seat.application.status != ApplicationStatus.IN_REVIEW:
            raise Conflict(
                _("该申请已不在专家评审阶段。"),
                code="application_not_in_review",
                details={"status": seat.application.status},
            )
        criteria = list(seat.round.call.criteria.all())
        problems: dict[str, list[str]] = {}
        codes: list[str] = []
        try:
            scores, total = check_scores(criteria, data.scores)
        except ValidationFailed as exc:
            problems.update(exc.details)
            codes.append(exc.code)
            scores, total = {}, Decimal("0")
        picked: dict[str, str] = {}
        for field, choices, value in (
            ("grade", Grade, data.grade),
            ("opinion", Opinion, data.opinion),
            ("familiarity", Familiarity, data.familiarity),
        ):
            try:
                picked[field] = _choice(value, choices, field)
            except ValidationFailed as exc:
                problems.update(exc.details)
                codes.append(exc.code)
        try:
            comments = clean_text(data.comments, field="comments", max_length=COMMENTS_MAX, required=True)
            if len(comments) < COMMENTS_MIN:
                raise _fail(
                    {"comments": [_("评审意见至少 %(n)d 个字。") % {"n": COMMENTS_MIN}]}, code="comments_required"
                )
        except ValidationFailed as exc:
            problems.update(exc.details)
            codes.append(exc.code if exc.code != "validation_error" else _text_code(data.comments))
        if problems:
            raise _fail(problems, code=codes[0])
        review = Review.objects.create(
            assignment=seat,
            scores=scores,
            total=total,
            grade=picked["grade"],
            opinion=picked["opinion"],
            familiarity=picked["familiarity"],
            comments=comments,
            submitted_at=timezone.now(),
        )
        seat.status = AssignmentStatus.SUBMITTED
        seat.save(update_fields=["status"])
        audit_record(
            actor=actor,
            action="review.submitted",
            instance=review,
            changes={
                "assignment": [None, seat.pk],
                "application": [None, seat.application_id],
                "total": [None, str(total)],
                "opinion": [None, picked["opinion"]],
            },
        )
        return review


def _text_code(value: Any) -> str:
    return "comments_required" if not isinstance(value, str) or not value.strip() else "invalid_text"
