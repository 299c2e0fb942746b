"""A problem report's workflow (NEMO's tool problems) as a transition table (core.lifecycle).

    problem:  open ─acknowledge→ acknowledged ─resolve→ resolved
                └──────────── resolve ──────────────┘

Reporting is services.problems.problem_report (who may report is a rule of its own: someone who
used the instrument, or its staff); the answers are the instrument's staff's (instrument.manage).
The reporter hears when their report is taken up and when it is resolved (with the resolution).
"""

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as gettext_now
from django.utils.translation import gettext_lazy as _

from nesta.core.lifecycle import Lifecycle, Transition
from nesta.core.notifications import notify
from nesta.instruments.models import Instrument, ProblemReport

P = ProblemReport.Status


def _instrument(problem: ProblemReport) -> Instrument:
    return problem.instrument


def history_url(problem: ProblemReport) -> str:
    return reverse("instruments:problems", args=[problem.instrument_id])


def _tell_reporter(problem: ProblemReport, actor: Any, kind: str, title: str, body: str) -> None:
    if actor is not None and actor.pk == problem.reporter_id:
        return  # staff answering their own report need no message
    notify(user=problem.reporter, kind=kind, title=title, body=body, url=history_url(problem))


def _acknowledged(problem: ProblemReport, actor: Any) -> None:
    _tell_reporter(
        problem,
        actor,
        "problem_acknowledged",
        gettext_now("您报告的故障已受理：%(i)s") % {"i": problem.instrument.name},
        problem.title,
    )


def _resolved(problem: ProblemReport, actor: Any) -> None:
    _tell_reporter(
        problem,
        actor,
        "problem_resolved",
        gettext_now("您报告的故障已解决：%(i)s") % {"i": problem.instrument.name},
        f"{problem.title}\n{gettext_now('处理结果')}：{problem.resolution}",
    )


PROBLEM = Lifecycle(
    ProblemReport,
    [
        Transition(
            "acknowledge",
            sources=(P.OPEN,),
            target=P.ACKNOWLEDGED,
            permission="instrument.manage",
            permission_on=_instrument,
            timestamp="acknowledged_at",
            event="problem.acknowledged",
            label=_("受理故障报告"),
            verb=_("受理"),
            notify=_acknowledged,
            style="primary",
            done=_("已受理该故障报告，并已通知报告人。"),
            summary="受理故障报告",
        ),
        Transition(
            "resolve",
            sources=(P.OPEN, P.ACKNOWLEDGED),
            target=P.RESOLVED,
            permission="instrument.manage",
            permission_on=_instrument,
            timestamp="resolved_at",
            event="problem.resolved",
            label=_("故障已解决"),
            verb=_("标记为已解决"),
            notify=_resolved,
            needs_input=True,  # the resolution text
            style="outline-primary",
            done=_("故障报告已标记为已解决，并已通知报告人。"),
            summary="故障已解决（附处理结果）",
        ),
    ],
    related=("instrument__province", "reporter"),
    invalid_message=_("故障报告当前状态为“%(s)s”，不能%(a)s。"),
    events={"problem.reported": _("报告故障")},
)
