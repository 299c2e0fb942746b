"""Reads of technology contract registration: who sees which contracts, the point's queue, the
public verification of a number, and registration points.

A contract is seen by its registration point's staff and the operator (`contract.view` on the
contract, whose target is its point), by its seller organisation's people (`contract.view` on the
seller) and by whoever submitted it. The public sees a registered contract by its number only —
number, type, parties' names, amounts, registration date; nothing else and no listing.
"""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import BooleanField, Case, Q, QuerySet, Value, When
from django.utils import timezone

from nesta.core.errors import NotFound
from nesta.core.pagination import Page, keyset_page
from nesta.core.permissions import Role, Target, can, grants_of, restrict
from nesta.core.validators import LOCAL
from nesta.directory.models import Organization, OrganizationKind
from nesta.market.lifecycles.contract import CONTRACT
from nesta.market.models import RefusalReason, RegistrationPoint, TechContract

S = TechContract.Status
RELATED = ("point__province", "point__city", "point__organization", "field")


@dataclass(frozen=True)
class ContractFilters:
    status: str = ""
    point_id: int | None = None
    contract_type: str = ""
    year: int | None = None  # of registration
    overdue: bool = False
    number: str = ""
    mine: bool = False  # only the seller side's own (my contracts), not the points' queues


def _with_overdue(qs: QuerySet[TechContract], today: date) -> QuerySet[TechContract]:
    return qs.annotate(
        is_overdue=Case(
            When(status=S.SUBMITTED, decision_due__lt=today, then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
    )


def seller_side_qs(user: Any) -> QuerySet[TechContract]:
    """The seller side's contracts: those of the organisations the user acts for (their
    organisation roles, not an operator's reach) and those the user submitted."""
    qs = TechContract.objects.all()
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    org_ids = {
        g.organization_id
        for g in grants_of(user)
        if g.organization_id and can(user, "contract.view", Target(organization_id=g.organization_id))
    }
    return qs.filter(Q(seller_organization_id__in=org_ids) | Q(submitted_by=user))


def visible_qs(user: Any) -> QuerySet[TechContract]:
    """Every contract `user` may read (point side, seller side, own submissions)."""
    qs = TechContract.objects.all()
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    points = restrict(
        user, "contract.view", qs, province_field="point__province__code", organization_field="point__organization_id"
    )
    return points | seller_side_qs(user)


def may_view(user: Any, contract: TechContract) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if contract.submitted_by_id == user.pk or can(user, "contract.view", contract):
        return True
    seller = Target(organization_id=contract.seller_organization_id)
    return contract.seller_organization_id is not None and can(user, "contract.view", seller)


def contract_list(
    *, user: Any, filters: ContractFilters | None = None, cursor: str | None = None, limit: int | None = 20
) -> Page[TechContract]:
    """The caller's contracts, newest first (keyset on id), each with `is_overdue`."""
    f = filters or ContractFilters()
    qs = seller_side_qs(user) if f.mine else visible_qs(user)
    today = timezone.localdate()
    if f.status:
        qs = qs.filter(status=f.status)
    if f.point_id:
        qs = qs.filter(point_id=f.point_id)
    if f.contract_type:
        qs = qs.filter(contract_type=f.contract_type)
    if f.year:
        start, end = datetime(f.year, 1, 1, tzinfo=LOCAL), datetime(f.year + 1, 1, 1, tzinfo=LOCAL)
        qs = qs.filter(registered_at__gte=start, registered_at__lt=end)
    if f.overdue:
        qs = qs.filter(status=S.SUBMITTED, decision_due__lt=today)
    if f.number:
        qs = qs.filter(number=f.number)
    qs = _with_overdue(qs.select_related(*RELATED), today)
    return keyset_page(qs, cursor=cursor, limit=limit, newest_first=True)


def contract_get(*, user: Any, contract_id: int) -> TechContract:
    """A contract the user may read (404 otherwise: no telling whether it exists)."""
    contract = (
        _with_overdue(
            TechContract.objects.select_related(*RELATED, "listing", "submitted_by", "decided_by"), timezone.localdate()
        )
        .filter(pk=contract_id)
        .first()
    )
    if contract is None or not may_view(user, contract):
        raise NotFound()
    return contract


def decidable_points(user: Any) -> list[RegistrationPoint]:
    """The points whose queue `user` works (contract.decide)."""
    if not getattr(user, "is_authenticated", False):
        return []
    qs = RegistrationPoint.objects.select_related("province", "city", "organization")
    return list(
        restrict(user, "contract.decide", qs, province_field="province__code", organization_field="organization_id")
    )


def point_of(*, user: Any, point_id: int) -> RegistrationPoint:
    point = RegistrationPoint.objects.select_related("province", "city", "organization").filter(pk=point_id).first()
    if point is None or not can(user, "contract.decide", point):
        raise NotFound()
    return point


def point_queue(
    *, point: RegistrationPoint, cursor: str | None = None, limit: int | None = 20, overdue_only: bool = False
) -> tuple[Page[TechContract], int]:
    """The point's contracts awaiting a decision, oldest first (the deadline order: one point, one
    decision period), and how many are overdue."""
    today = timezone.localdate()
    qs = TechContract.objects.filter(point=point, status=S.SUBMITTED)
    overdue = qs.filter(decision_due__lt=today).count()
    if overdue_only:
        qs = qs.filter(decision_due__lt=today)
    qs = _with_overdue(qs.select_related(*RELATED), today)
    return keyset_page(qs, cursor=cursor, limit=limit), overdue


def contract_actions(user: Any, contract: TechContract) -> list[Any]:
    return CONTRACT.available(user, contract)


def contract_verify(*, number: str) -> TechContract:
    """A registered contract by its 14-digit number, for the public check (404 otherwise)."""
    if not (isinstance(number, str) and len(number) == 14 and number.isdigit()):
        raise NotFound()
    contract = TechContract.objects.filter(number=number, status=S.REGISTERED).first()
    if contract is None:
        raise NotFound()
    return contract


def registration_points(*, active_only: bool = True) -> list[RegistrationPoint]:
    qs = RegistrationPoint.objects.select_related("province", "city", "organization")
    if active_only:
        qs = qs.filter(is_active=True)
    return list(qs)


def registration_point_page(*, user: Any, cursor: str | None = None, limit: int | None = 50) -> Page[RegistrationPoint]:
    """Points for their administration: the operator's (office all; a province its own)."""
    qs = restrict(
        user,
        "registration_point.manage",
        RegistrationPoint.objects.select_related("province", "city", "organization"),
        province_field="province__code",
    )
    return keyset_page(qs, cursor=cursor, limit=limit)


def registration_point_get(*, user: Any, point_id: int) -> RegistrationPoint:
    point = RegistrationPoint.objects.select_related("province", "city", "organization").filter(pk=point_id).first()
    if point is None or not can(user, "registration_point.manage", point):
        raise NotFound()
    return point


def acting_organizations(user: Any) -> list[Organization]:
    """The organisations a person may submit for as the seller (their own and those they hold a
    role in)."""
    if not getattr(user, "is_authenticated", False):
        return []
    ids = {g.organization_id for g in grants_of(user) if g.organization_id}
    if getattr(user, "organization_id", None):
        ids.add(user.organization_id)
    return [o for o in Organization.objects.filter(pk__in=ids).order_by("name") if can(user, "contract.submit", o)]


def may_submit_for_anyone(user: Any) -> bool:
    """The operator may submit a seller that is not an organisation of the platform."""
    return any(g.role in (Role.OFFICE, Role.PROVINCE) for g in grants_of(user)) and can(user, "contract.submit")


def refusal_labels(contract: TechContract) -> list[str]:
    labels = dict(RefusalReason.choices)
    return [str(labels.get(r, r)) for r in contract.refusal_reasons or []]


def technology_markets() -> list[Organization]:
    """The organisations that may run a registration point."""
    return list(Organization.objects.filter(kind=OrganizationKind.TECHNOLOGY_MARKET).order_by("name"))


def point_ledger(*, point: RegistrationPoint, year: int) -> QuerySet[TechContract]:
    """The point's register of a year (登记台账): its registered contracts in number order."""
    return (
        TechContract.objects.filter(point=point, status=S.REGISTERED)
        .filter(
            registered_at__gte=datetime(year, 1, 1, tzinfo=LOCAL),
            registered_at__lt=datetime(year + 1, 1, 1, tzinfo=LOCAL),
        )
        .order_by("serial")
    )
