"""A training request's workflow as a transition table (core.lifecycle).

    training:  requested ─schedule→ scheduled ─grant→ granted      (the qualification, with its expiry)
                  │  └────── grant ───────┘ ↺ schedule (moved)
                  ├────── decline ────────┴→ declined               (with the reason)
                  └────── withdraw ───────┴→ cancelled              (the user)

Asking is services.training.training_request (event training.requested); the answers are the
instrument's staff's (instrument.manage); the user withdraws their own (or_self). The user hears
of each answer, the staff of each request.
"""

from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as gettext_now
from django.utils.translation import gettext_lazy as _

from nesta.core.lifecycle import Lifecycle, Transition
from nesta.core.notifications import notify
from nesta.instruments.models import Instrument, TrainingRequest
from nesta.instruments.policy import LOCAL, local_minute

T = TrainingRequest.Status
OPEN = (T.REQUESTED, T.SCHEDULED)


def _instrument(request: TrainingRequest) -> Instrument:
    return request.instrument


def my_training_url() -> str:
    return reverse("instruments:my_training")


def session_text(request: TrainingRequest) -> str:
    if request.session_start is None or request.session_end is None:
        return ""
    text = f"{local_minute(request.session_start)}–{local_minute(request.session_end)[-5:]}"
    return f"{text} {request.session_location}".strip()


def _tell_user(request: TrainingRequest, kind: str, title: str, body: str) -> None:
    notify(user=request.user, kind=kind, title=title % {"i": request.instrument.name}, body=body, url=my_training_url())


def _scheduled(request: TrainingRequest, actor: Any) -> None:
    body = session_text(request)
    if request.manager_note:
        body = f"{body}\n{request.manager_note}"
    _tell_user(request, "training_scheduled", gettext_now("上机培训已安排：%(i)s"), body)


def _granted(request: TrainingRequest, actor: Any) -> None:
    expires = request.qualification_expires_at
    body = (
        gettext_now("资格有效期至 %(d)s。") % {"d": f"{timezone.localtime(expires, LOCAL):%Y-%m-%d}"}
        if expires
        else gettext_now("资格长期有效。")
    )
    _tell_user(request, "training_granted", gettext_now("已获得上机资格：%(i)s"), body)


def _declined(request: TrainingRequest, actor: Any) -> None:
    _tell_user(request, "training_declined", gettext_now("培训申请未通过：%(i)s"), request.manager_note)


def _withdrawn(request: TrainingRequest, actor: Any) -> None:
    if actor is not None and actor.pk != request.user_id:
        _tell_user(request, "training_withdrawn", gettext_now("您的培训申请已撤回：%(i)s"), "")


_ANSWER: dict[str, Any] = {
    "sources": OPEN,
    "permission": "instrument.manage",
    "permission_on": _instrument,
    "needs_input": True,
}

TRAINING = Lifecycle(
    TrainingRequest,
    [
        Transition(
            "schedule",
            target=T.SCHEDULED,
            timestamp="scheduled_at",
            event="training.scheduled",
            label=_("安排培训"),
            verb=_("安排培训"),
            notify=_scheduled,
            style="primary",
            done=_("已安排培训，并已通知申请人。"),
            summary="安排培训（时间、地点、说明；可再次安排以改期）",
            **_ANSWER,
        ),
        Transition(
            "grant",
            target=T.GRANTED,
            timestamp="granted_at",
            event="training.granted",
            label=_("授予上机资格"),
            verb=_("授予资格"),
            notify=_granted,
            style="primary",
            done=_("已授予上机资格，并已通知申请人。"),
            summary="授予上机资格（可设有效期）",
            **_ANSWER,
        ),
        Transition(
            "decline",
            target=T.DECLINED,
            timestamp="declined_at",
            event="training.declined",
            label=_("不予通过"),
            verb=_("不予通过"),
            notify=_declined,
            style="outline-danger",
            done=_("已答复申请人：未通过。"),
            summary="不予通过（须说明原因）",
            **_ANSWER,
        ),
        Transition(
            "withdraw",
            sources=OPEN,
            target=T.CANCELLED,
            permission="instrument.manage",
            permission_on=_instrument,
            or_self="user_id",
            timestamp="cancelled_at",
            event="training.withdrawn",
            label=_("撤回培训申请"),
            verb=_("撤回"),
            notify=_withdrawn,
            style="outline-danger",
            confirm=_("确定撤回该培训申请吗？"),
            done=_("培训申请已撤回。"),
            summary="撤回培训申请（申请人本人）",
        ),
    ],
    related=("instrument__province", "user"),
    invalid_message=_("培训申请当前状态为“%(s)s”，不能%(a)s。"),
    events={"training.requested": _("申请上机培训")},
)
