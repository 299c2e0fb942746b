"""Reads for conflicts of interest: a call's whole review pool loaded in a constant number of
queries (applications in 专家评审 with their teams, the available experts with their work history
and fields, declarations, avoid requests, the seats already held), the excluded pairs with their
reasons (rules in nesta/programmes/assignment/rules.py), and the paged list of them."""

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from nesta.core.errors import NotFound
from nesta.core.models import TaxonomyNode
from nesta.core.pagination import Page, cursor_offset, offset_page
from nesta.core.permissions import Role, require
from nesta.directory.models import Affiliation, Person
from nesta.programmes.assignment.rules import AppFacts, Exclusion, ExpertFacts, Job, TeamLine, conflicts
from nesta.programmes.models import (
    Application,
    ApplicationStatus,
    Assignment,
    AssignmentStatus,
    AvoidRequest,
    Call,
    ConflictDeclaration,
    ReviewRound,
    RoundKind,
    TeamMember,
)

ACTIVE = (AssignmentStatus.INVITED, AssignmentStatus.ACCEPTED, AssignmentStatus.SUBMITTED)


@dataclass
class Pool:
    """A call's review pool in memory."""

    call: Call
    round: ReviewRound
    apps: list[Application]
    experts: list[Person]
    exclusions: dict[tuple[int, int], list[Exclusion]]
    expert_fields: dict[int, list[int]] = field(default_factory=dict)
    parents: dict[int, int | None] = field(default_factory=dict)
    held_this_year: dict[int, int] = field(default_factory=dict)  # active seats in other rounds
    seats: list[Assignment] = field(default_factory=list)  # this round's rows of these applications
    round_load: dict[int, int] = field(default_factory=dict)  # active seats per expert, whole round


def managed_call(*, viewer: Any, call_id: int) -> Call:
    """The call, for those who run its review (review.manage), else NotFound / PermissionDenied."""
    call = (
        Call.objects.select_related("owner_province", "programme").filter(pk=call_id).first()
        if isinstance(call_id, int) and 0 < call_id < 2**31
        else None
    )
    if call is None:
        raise NotFound(_("未找到该指南。"))
    require(viewer, "review.manage", call)
    return call


def correspondence_round(call: Call) -> ReviewRound:
    """The call's 通讯评审 round (the first), created with the defaults when the call has none."""
    rnd = ReviewRound.objects.filter(call=call, kind=RoundKind.CORRESPONDENCE).order_by("order").first()
    if rnd is None:
        raise NotFound(_("该指南没有通讯评审轮次。"), code="no_round")
    return rnd


def expert_queryset() -> QuerySet[Person]:
    """The expert pool: people with an available expert profile and a user holding the expert role."""
    return (
        Person.objects.filter(
            expert_profile__is_available=True,
            user__isnull=False,
            user__is_active=True,
            user__role_assignments__role=Role.EXPERT,
        )
        .select_related("organization", "organization__province", "expert_profile", "user")
        .distinct()
        .order_by("pk")
    )


def load_pool(call: Call, rnd: ReviewRound, *, application_ids: list[int] | None = None) -> Pool:
    """Everything the rules, the affinity and the solver read, in a constant number of queries."""
    app_qs = Application.objects.filter(call=call, status=ApplicationStatus.IN_REVIEW)
    if application_ids is not None:
        app_qs = app_qs.filter(pk__in=application_ids)
    apps = list(app_qs.select_related("organization", "province", "field").order_by("pk"))
    experts = list(expert_queryset())
    in_pool = Q(person__in=expert_queryset().values("pk"))

    jobs: dict[int, list[Job]] = defaultdict(list)
    for a in Affiliation.objects.filter(in_pool).select_related("organization"):
        jobs[a.person_id].append(Job(a.organization_id, a.organization.name, a.start_year, a.end_year))
    team: dict[int, list[TeamLine]] = defaultdict(list)
    for m in TeamMember.objects.filter(application__in=app_qs).select_related("person"):
        org = m.organization_id or (m.person.organization_id if m.person_id else None)
        team[m.application_id].append(TeamLine(m.person_id, org, m.name))
    declarations = list(
        ConflictDeclaration.objects.filter(application__in=app_qs).values_list("application_id", "expert_id", "reason")
    )
    avoids = list(
        AvoidRequest.objects.filter(application__in=app_qs).values_list("application_id", "expert_id", "reason")
    )
    fields: dict[int, list[int]] = defaultdict(list)
    for person_id, node_id in Person.fields.through.objects.filter(in_pool).values_list("person_id", "taxonomynode_id"):
        fields[person_id].append(node_id)
    parents = dict(TaxonomyNode.objects.values_list("pk", "parent_id"))
    held = dict(
        Assignment.objects.filter(
            expert__in=expert_queryset().values("pk"), status__in=ACTIVE, round__call__year=call.year
        )
        .exclude(round=rnd)
        .values("expert_id")
        .annotate(n=Count("pk"))
        .values_list("expert_id", "n")
    )
    seats = list(Assignment.objects.filter(round=rnd, application__in=app_qs).order_by("pk"))
    round_load = dict(
        Assignment.objects.filter(round=rnd, status__in=ACTIVE)
        .values("expert_id")
        .annotate(n=Count("pk"))
        .values_list("expert_id", "n")
    )

    app_facts = [AppFacts(a.pk, a.organization_id, a.organization.name, team.get(a.pk, [])) for a in apps]
    expert_facts = [
        ExpertFacts(
            e.pk, e.name, e.organization_id, e.organization.name if e.organization_id else "", jobs.get(e.pk, [])
        )
        for e in experts
    ]
    excluded = conflicts(app_facts, expert_facts, year=call.year, declarations=declarations, avoid_requests=avoids)
    return Pool(call, rnd, apps, experts, excluded, dict(fields), parents, held, seats, round_load)


@dataclass
class ConflictRow:
    application: Application
    expert: Person
    reasons: list[Exclusion]


def call_conflicts_page(*, viewer: Any, call_id: int, cursor: str | None = None, limit: int = 50) -> Page[ConflictRow]:
    """The excluded pairs of a call's pool with their reasons, by application then expert."""
    call = managed_call(viewer=viewer, call_id=call_id)
    pool = load_pool(call, correspondence_round(call))
    apps = {a.pk: a for a in pool.apps}
    experts = {e.pk: e for e in pool.experts}
    pairs = sorted(pool.exclusions)
    offset = cursor_offset(cursor)
    size = max(1, min(int(limit), 200))
    rows = [ConflictRow(apps[a], experts[e], pool.exclusions[(a, e)]) for a, e in pairs[offset : offset + size + 1]]
    return offset_page(rows, offset=offset, limit=size, total=len(pairs))


def application_conflicts(pool: Pool) -> dict[int, int]:
    """How many experts each application excludes."""
    out: dict[int, int] = defaultdict(int)
    for app_id, _expert in pool.exclusions:
        out[app_id] += 1
    return dict(out)
