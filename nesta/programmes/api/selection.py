"""The programmes API: the funding selection.

GET  /calls/{id}/scores                  raw, z-calibrated and model scores, flags, reviewer offsets, panel cut-off
POST /calls/{id}/selection               compute the award list (budget, minimum shares, score kind,
                                         rank rule, lottery) → the optimised list beside rank-until-budget
GET  /calls/{id}/selection               the call's recent runs
GET  /selection-runs/{id}                one run
POST /selection-runs/{id}/confirm        the office confirms (adjustments with reasons; never over budget)
"""

from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Path, Query, Router, Schema
from ninja.responses import Status
from pydantic import Field

from nesta.core.api_auth import api_user, api_user_required, login_required
from nesta.core.inputs import BoundedInt, CleanText, Money
from nesta.core.schemas import ErrorOut
from nesta.programmes.models import SelectionRun
from nesta.programmes.selectors import scores as score_reads
from nesta.programmes.selectors import selection as reads
from nesta.programmes.selectors.scores import call_for_scores
from nesta.programmes.services import selection as services

router = Router(tags=["programmes"])
ID_MAX = 2_147_483_647
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut, 503: ErrorOut}


class ShareIn(Schema):
    by: Literal["province", "field", "tilt"] = Field(
        ..., description="province 省份代码 / field 领域代码 / tilt 倾斜对象（1）"
    )
    value: CleanText(60, min_length=1, multiline=False)  # type: ignore[valid-type]
    share: float = Field(..., ge=0, le=1, description="占预算的最低比例")


class SelectionIn(Schema):
    budget: Money | None = Field(None, description="遴选预算（元），默认指南预算，不得超过指南预算")
    min_shares: list[ShareIn] = Field(default_factory=list, max_length=services.SHARES_MAX)
    score: Literal["quality", "z", "raw"] = Field("quality", description="评分口径：模型校准 / 标准分 / 原始均分")
    rank_rule: Literal["stop", "skip"] = Field(
        "stop", description="对照名单：stop 排到钱不够即止；skip 跳过放不下的继续"
    )
    lottery: bool = Field(False, description="对分数线附近并列的申请抽签")
    seed: BoundedInt(0, services.SEED_MAX) | None = Field(None, description="抽签种子（不填则随机生成并记录）")  # type: ignore[valid-type]
    tolerance: float = Field(0.5, ge=0, le=10, description="并列容差（分）")
    time_limit: float = Field(8, ge=1, le=services.TIME_LIMIT_MAX, description="求解时限（秒）")
    use_tilt: bool = True
    amounts: dict[BoundedInt(1, ID_MAX), Money] = Field(default_factory=dict, max_length=5000)  # type: ignore[valid-type]


class ListOut(Schema):
    selected: list[int]
    total_score: float
    total_cost: Decimal
    shares: list[dict[str, Any]]


class RankListOut(ListOut):
    rule: str


class RunOut(Schema):
    id: int
    call_id: int
    budget: Decimal
    status: str = Field(description="optimal（已证明最优）/ feasible（时限内最好）")
    score: str
    optimal: ListOut
    rank_list: RankListOut
    only_optimal: list[int]
    only_rank: list[int]
    lottery: dict[str, Any] | None
    bound: float | None
    seconds: float
    unscored: list[int]
    confirmed: bool
    confirm_note: str
    created_at: datetime


class AdjustIn(Schema):
    application_id: BoundedInt(1, ID_MAX)  # type: ignore[valid-type]
    reason: CleanText(services.REASON_MAX, min_length=1)  # type: ignore[valid-type]


class ConfirmIn(Schema):
    add: list[AdjustIn] = Field(default_factory=list, max_length=500)
    remove: list[AdjustIn] = Field(default_factory=list, max_length=500)
    note: CleanText(500) = ""  # type: ignore[valid-type]


def run_out(run: SelectionRun) -> dict[str, Any]:
    r = run.result or {}
    rank = r.get("rank_list") or {}
    return {
        "id": run.pk,
        "call_id": run.call_id,
        "budget": run.budget,
        "status": r.get("status", ""),
        "score": (run.params or {}).get("score", ""),
        "optimal": {
            "selected": r.get("selected", []),
            "total_score": r.get("total_score", 0),
            "total_cost": Decimal(r.get("total_cost", "0")),
            "shares": r.get("shares", []),
        },
        "rank_list": {
            "rule": rank.get("rule", ""),
            "selected": rank.get("selected", []),
            "total_score": rank.get("total_score", 0),
            "total_cost": Decimal(rank.get("total_cost", "0")),
            "shares": rank.get("shares", []),
        },
        "only_optimal": r.get("only_optimal", []),
        "only_rank": r.get("only_rank", []),
        "lottery": r.get("lottery"),
        "bound": r.get("bound"),
        "seconds": r.get("seconds", 0),
        "unscored": r.get("unscored", []),
        "confirmed": run.confirmed,
        "confirm_note": run.confirm_note,
        "created_at": run.created_at,
    }


@router.post(
    "/calls/{call_id}/selection",
    response={201: RunOut, **ERRORS},
    summary="立项遴选测算：预算内总分最高的资助名单（整数规划），并列出“按分排序直到经费用完”的对照名单",
)
def run_selection(request: HttpRequest, payload: SelectionIn, call_id: int = Path(..., ge=1, le=ID_MAX)):
    user = api_user_required(request)
    data = services.SelectionInput(
        budget=payload.budget,
        min_shares=[s.dict() for s in payload.min_shares],
        score=payload.score,
        rank_rule=payload.rank_rule,
        lottery=payload.lottery,
        seed=payload.seed,
        tolerance=payload.tolerance,
        time_limit=payload.time_limit,
        use_tilt=payload.use_tilt,
        amounts=dict(payload.amounts),
    )
    run = services.selection_run(actor=user, call_id=call_id, data=data)
    return Status(201, run_out(run))


@router.get(
    "/calls/{call_id}/selection",
    response={200: list[RunOut], **ERRORS},
    auth=login_required,
    summary="指南的立项遴选测算记录（最新在前）",
)
def list_runs(request: HttpRequest, call_id: int = Path(..., ge=1, le=ID_MAX)):
    user = api_user(request)
    call = call_for_scores(actor=user, call_id=call_id)
    return [run_out(r) for r in reads.runs_of(actor=user, call=call)]


@router.get("/selection-runs/{run_id}", response={200: RunOut, **ERRORS}, auth=login_required, summary="一次遴选测算")
def get_run(request: HttpRequest, run_id: int = Path(..., ge=1, le=ID_MAX)):
    return run_out(reads.run_get(actor=api_user(request), run_id=run_id))


@router.post(
    "/selection-runs/{run_id}/confirm",
    response={200: RunOut, **ERRORS},
    summary="确认立项名单（可增删，须逐项说明理由；总额不得超过预算）：资助入选项，其余不予资助，指南进入“已决定”",
)
def confirm_run(request: HttpRequest, payload: ConfirmIn, run_id: int = Path(..., ge=1, le=ID_MAX)):
    user = api_user_required(request)
    run = services.selection_confirm(
        actor=user,
        run_id=run_id,
        add=[services.Adjustment(a.application_id, a.reason) for a in payload.add],
        remove=[services.Adjustment(a.application_id, a.reason) for a in payload.remove],
        note=payload.note,
    )
    return run_out(run)


class ScoresQuery(Schema):
    round: BoundedInt(1, ID_MAX) | None = Field(None, description="评审轮次（默认：最近有评审意见的一轮）")  # type: ignore[valid-type]
    kind: Literal["quality", "z", "raw"] = Field("quality", description="排序与会评分数线所用的口径")
    ridge: float = Field(0, ge=0, le=1000, description="岭回归系数（0：各连通分量内专家偏差之和为零）")


class FlagOut(Schema):
    reviewer_id: int
    review_id: int | None
    score: float
    others: float = Field(description="其他专家评分的中位数")
    deviation: float


class ScoreRowOut(Schema):
    application_id: int
    number: str
    title: str
    raw: float
    z: float
    quality: float
    reviews: int
    component: int
    flags: list[FlagOut]


class ReviewerOffsetOut(Schema):
    id: int
    name: str
    reviews: int
    mean: float
    std: float
    offset: float
    z_fallback: bool


class PanelOut(Schema):
    round_id: int
    cutoff_count: int | None
    cutoff_score: Decimal | None
    passed: list[int]
    boundary: float | None


class SelectionScoresOut(Schema):
    call_id: int
    round_id: int | None
    kind: str
    components: int
    flag_threshold: float
    rows: list[ScoreRowOut]
    reviewers: list[ReviewerOffsetOut]
    unscored: list[int]
    panel: PanelOut | None


@router.get(
    "/calls/{call_id}/scores",
    response={200: SelectionScoresOut, **ERRORS},
    auth=login_required,
    summary="评审得分：原始均分、标准分校准、模型校准分（质量 + 专家偏差），异常评审，专家偏差，会议评审分数线",
)
def get_scores(request: HttpRequest, query: Query[ScoresQuery], call_id: int = Path(..., ge=1, le=ID_MAX)):
    user = api_user(request)
    scores = score_reads.call_scores(actor=user, call_id=call_id, round_id=query.round, ridge=query.ridge)
    cut = score_reads.panel_cutoff(scores, query.kind)
    r2 = lambda x: round(float(x), 2)  # noqa: E731
    return {
        "call_id": call_id,
        "round_id": scores.round.pk if scores.round else None,
        "kind": query.kind,
        "components": scores.calibration.components,
        "flag_threshold": r2(scores.calibration.flag_threshold),
        "rows": [
            {
                "application_id": r.application.pk,
                "number": r.application.number or "",
                "title": r.application.title,
                "raw": r2(r.raw),
                "z": r2(r.z),
                "quality": r2(r.quality),
                "reviews": r.count,
                "component": r.component,
                "flags": [
                    {
                        "reviewer_id": f.reviewer,
                        "review_id": f.review,
                        "score": r2(f.score),
                        "others": r2(f.others_mean),
                        "deviation": r2(f.deviation),
                    }
                    for f in r.flags
                ],
            }
            for r in scores.by_kind(query.kind)
        ],
        "reviewers": [
            {
                "id": j.id,
                "name": j.name,
                "reviews": j.count,
                "mean": r2(j.mean),
                "std": r2(j.std),
                "offset": r2(j.offset),
                "z_fallback": j.z_fallback,
            }
            for j in scores.reviewers
        ],
        "unscored": [a.pk for a in scores.unscored],
        "panel": None
        if cut is None
        else {
            "round_id": cut.round.pk,
            "cutoff_count": cut.count,
            "cutoff_score": cut.score,
            "passed": [r.application.pk for r in cut.passed],
            "boundary": r2(cut.boundary) if cut.boundary is not None else None,
        },
    }
