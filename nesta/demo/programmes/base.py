"""What every part of the programmes' demo reads: the demo accounts, organisations and experts,
the reference programmes and taxonomy, and the moment of loading (Asia/Shanghai)."""

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from nesta.demo.timeline import LOCAL, local_at, working_day

DEMO_KEY = "demo-prg-"  # Call / Application reference keys
PROVINCE_USERS = {"210000": "liaoning", "220000": "jilin", "230000": "heilongjiang"}
APPLICANT_KINDS = ("university", "research_institute", "enterprise", "hospital")
WAN = Decimal(10000)


def wan(n: float | int) -> Decimal:
    """n 万元 in 元, rounded to whole 千元."""
    return (Decimal(str(n)) * WAN / 1000).quantize(Decimal("1"), rounding=ROUND_HALF_UP) * 1000


def at(day: date, rng: random.Random, *, early: int = 8 * 60 + 40, late: int = 17 * 60 + 20) -> datetime:
    """A working-hours moment on `day` (weekends move to the Friday before)."""
    return local_at(working_day(day), rng.randint(early, late))


@dataclass
class Context:
    scale: int
    seed: int
    now: datetime
    today: date
    office: Any
    finance: Any
    provinces: dict[str, Any]  # province code → the province's user
    orgs: list[Any]  # applicant organisations (demo ones), by reference key
    experts: list[Any]  # the expert pool (Person, with user and profile)
    users_by_org: dict[int, Any]
    nodes: dict[str, Any]
    programmes: dict[str, Any]
    regions: dict[str, Any]
    expert_orgs: set[int] = field(default_factory=set)

    def rng(self, part: str) -> random.Random:
        return random.Random(f"{self.seed}:programmes:{part}")

    def past(self, days: int) -> date:
        return self.today - timedelta(days=days)

    def moment(self, days_ago: float, rng: random.Random) -> datetime:
        """A working-hours moment about `days_ago` days back, never after now."""
        moment = at(self.today - timedelta(days=int(days_ago)), rng)
        if moment > self.now:
            moment = self.now - timedelta(minutes=rng.randint(30, 600))
        return moment


def context(scale: int, seed: int) -> Context | None:
    from nesta.core.models import Region, TaxonomyNode
    from nesta.directory.models import Organization
    from nesta.programmes.models import Programme

    try:  # the assignment part keeps the pool's definition (its module moved once)
        from nesta.programmes.assignment.pool import expert_queryset
    except ImportError:  # pragma: no cover
        from nesta.programmes.selectors.conflicts import expert_queryset  # type: ignore[attr-defined,no-redef]

    users = get_user_model().objects
    office = users.filter(username="office").first()
    if office is None:
        return None
    now = timezone.now().replace(second=0, microsecond=0)
    orgs = list(
        Organization.objects.filter(reference_key__startswith="demo-org-", kind__in=APPLICANT_KINDS)
        .select_related("province", "city")
        .order_by("reference_key")
    )
    experts = list(expert_queryset().select_related("organization", "user", "expert_profile").order_by("pk"))
    by_org: dict[int, Any] = {}
    for u in users.filter(organization__isnull=False, username__regex=r"^(member|admin)\d+$").order_by("username"):
        by_org.setdefault(u.organization_id, u)
    ctx = Context(
        scale=scale,
        seed=seed,
        now=now,
        today=timezone.localtime(now).date(),
        office=office,
        finance=users.filter(username="finance01").first() or office,
        provinces={code: users.filter(username=name).first() or office for code, name in PROVINCE_USERS.items()},
        orgs=orgs,
        experts=experts,
        users_by_org=by_org,
        nodes={n.code: n for n in TaxonomyNode.objects.all()},
        programmes={p.code: p for p in Programme.objects.all()},
        regions={r.code: r for r in Region.objects.filter(level="province")},
    )
    ctx.expert_orgs = {e.organization_id for e in experts if e.organization_id}
    return ctx


def local(moment: datetime) -> datetime:
    return moment.astimezone(LOCAL)
