"""A call's whole review pool loaded in a constant number of queries (applications in 专家评审
with their teams, the available experts with their work history and fields, declarations, avoid
requests, the seats already held) and the excluded pairs with their reasons (rules.py). Read by
the selectors and, inside their transaction, by the services (so neither imports the other)."""

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from nesta.core.errors import NotFound
from nesta.core.models import TaxonomyNode
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
    apps = list(app_qs.select_related("organization", "province").order_by("pk"))
    experts = list(expert_queryset())
    in_pool = Q(person__in=expert_queryset().values("pk"))

    jobs: dict[int, list[Job]] = defaultdict(list)
    # plain tuples, not model instances: tens of thousands of rows on a national call
    for person_id, org_id, org_name, start, end in Affiliation.objects.filter(in_pool).values_list(
        "person_id", "organization_id", "organization__name", "start_year", "end_year"
    ):
        jobs[person_id].append(Job(org_id, org_name, start, end))
    team: dict[int, list[TeamLine]] = defaultdict(list)
    for app_id, person_id, org_id, person_org_id, name in TeamMember.objects.filter(application__in=app_qs).values_list(
        "application_id", "person_id", "organization_id", "person__organization_id", "name"
    ):
        team[app_id].append(TeamLine(person_id, org_id or person_org_id, name))
    declarations = list(
        ConflictDeclaration.objects.filter(application__in=app_qs).values_list("application_id", "expert_id", "reason")
    )
    avoids = list(
        AvoidRequest.objects.filter(application__in=app_qs).values_list("application_id", "expert_id", "reason")
    )
    fields: dict[int, list[int]] = defaultdict(list)
    for person_id, node_id in Person.fields.through.objects.filter(in_pool).values_list("person_id", "taxonomynode_id"):
        fields[person_id].append(node_id)
    parents: dict[int, int | None] = dict(TaxonomyNode.objects.values_list("pk", "parent_id"))
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
        ExpertFacts(e.pk, e.name, e.organization_id, e.organization.name if e.organization else "", jobs.get(e.pk, []))
        for e in experts
    ]
    excluded = conflicts(app_facts, expert_facts, year=call.year, declarations=declarations, avoid_requests=avoids)
    return Pool(call, rnd, apps, experts, excluded, dict(fields), parents, held, seats, round_load)
