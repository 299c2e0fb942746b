"""The conflict-of-interest rules, in one place, over a whole call at once (sets in memory).

An expert may not review an application
  - from an organisation they work at, or worked at in the last three years (Affiliation years;
    Person.organization is the current one): 同单位;
  - on which they are a team member, or a colleague of their current organisation is: 项目组成员;
  - they declared a conflict with (ConflictDeclaration): 本人声明;
  - whose applicant asked to avoid them (AvoidRequest): 申请人申请回避.
Every exclusion carries its reason in Chinese ("回避：同单位 大连理工大学，至2025年").
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

# worked at the applicant organisation in the call's year or the three before it
WINDOW_YEARS = 3


@dataclass(frozen=True)
class TeamLine:
    person_id: int | None
    organization_id: int | None
    name: str


@dataclass
class AppFacts:
    id: int
    organization_id: int
    organization_name: str
    team: list[TeamLine] = field(default_factory=list)


@dataclass(frozen=True)
class Job:
    organization_id: int
    organization_name: str
    start_year: int | None
    end_year: int | None  # None: still there


@dataclass
class ExpertFacts:
    id: int
    name: str
    organization_id: int | None  # current (Person.organization)
    organization_name: str = ""
    jobs: list[Job] = field(default_factory=list)


@dataclass(frozen=True)
class Exclusion:
    application_id: int
    expert_id: int
    kind: str  # same_org | team_member | team_colleague | declared | avoid_request
    reason: str


def recent(job: Job, year: int) -> bool:
    """Within the window: still there, or left in `year - 3` or later (and had started by `year`)."""
    if job.start_year is not None and job.start_year > year:
        return False
    return job.end_year is None or job.end_year >= year - WINDOW_YEARS


def organisations_of(expert: ExpertFacts, year: int) -> dict[int, int | None]:
    """The organisations an expert is bound to in `year`: {id: None (still there) or the last year}."""
    out: dict[int, int | None] = {}
    if expert.organization_id is not None:
        out[expert.organization_id] = None
    for job in expert.jobs:
        if not recent(job, year) or (job.organization_id in out and out[job.organization_id] is None):
            continue
        if job.end_year is None:
            out[job.organization_id] = None
        else:
            out[job.organization_id] = max(out.get(job.organization_id) or 0, job.end_year)
    return out


def conflicts(
    apps: Iterable[AppFacts],
    experts: Iterable[ExpertFacts],
    *,
    year: int,
    declarations: Iterable[tuple[int, int, str]] = (),
    avoid_requests: Iterable[tuple[int, int, str]] = (),
) -> dict[tuple[int, int], list[Exclusion]]:
    """{(application id, expert id): its exclusions}, for every pair of `apps` × `experts` that
    conflicts. declarations and avoid_requests are (application id, expert id, reason)."""
    apps = list(apps)
    experts = list(experts)
    expert_ids = {e.id for e in experts}
    # organisation → [(expert, how: None current, else the year they left)]
    at_org: dict[int, list[tuple[ExpertFacts, int | None]]] = defaultdict(list)
    current: dict[int, list[ExpertFacts]] = defaultdict(list)
    for e in experts:
        for org_id, left in organisations_of(e, year).items():
            at_org[org_id].append((e, left))
        if e.organization_id is not None:
            current[e.organization_id].append(e)
    names = {e.id: e for e in experts}

    out: dict[tuple[int, int], list[Exclusion]] = defaultdict(list)

    def add(app_id: int, expert_id: int, kind: str, reason: str) -> None:
        pair = (app_id, expert_id)
        if any(x.kind == kind and x.reason == reason for x in out[pair]):
            return
        out[pair].append(Exclusion(app_id, expert_id, kind, reason))

    # the texts translated once per call, not once per pair
    t_current, t_until = _("回避：同单位 %(org)s（现单位）"), _("回避：同单位 %(org)s，至%(year)s年")
    t_self, t_colleague = _("回避：本人为项目组成员"), _("回避：项目组成员 %(name)s 为同单位同事")
    for app in apps:
        for e, left in at_org.get(app.organization_id, ()):
            if left is None:
                reason = t_current % {"org": app.organization_name}
            else:
                reason = t_until % {"org": app.organization_name, "year": left}
            add(app.id, e.id, "same_org", reason)
        for member in app.team:
            if member.person_id is not None and member.person_id in expert_ids:
                add(app.id, member.person_id, "team_member", t_self)
            if member.organization_id is not None:
                for e in current.get(member.organization_id, ()):
                    if e.id != member.person_id:
                        add(app.id, e.id, "team_colleague", t_colleague % {"name": member.name})
    app_ids = {a.id for a in apps}
    for app_id, expert_id, why in declarations:
        if expert_id in names and app_id in app_ids:
            text = _("回避：本人声明（%(reason)s）") % {"reason": why} if why else _("回避：本人声明")
            add(app_id, expert_id, "declared", text)
    for app_id, expert_id, why in avoid_requests:
        if expert_id in names and app_id in app_ids:
            text = _("回避：申请人申请回避（%(reason)s）") % {"reason": why} if why else _("回避：申请人申请回避")
            add(app_id, expert_id, "avoid_request", text)
    return dict(out)
