"""Demo data of the market's listings: thousands of listings of every kind across the three
provinces, owned by demo organisations of the right kinds.

- The matching cases (nesta/demo/market/texts.py) come first: every case achievement and demand
  is published, so each published case demand has its good matches among the achievements
  (the labelled set of bench/market/labelled/ is the same corpus). Keys "demo-mkt-a-<case>" and
  "demo-mkt-d-<case>".
- Then `listing_count(scale)` generated listings ("demo-mkt-000123"), listing i drawn from its own
  random.Random seeded by (seed, i): a kind by KIND_WEIGHTS, an owner of a kind that posts it
  (universities and institutes offer achievements, enterprises post demands, outsourcing and
  capacity, venture-capital firms are investors, intermediaries offer services…), texts from
  kind_texts, a status (mostly published; some draft, submitted, negotiating, dealt, withdrawn,
  expired) with its lifecycle stamps in working hours, in order, none after now.
Every `details` passes `validate_details` and the facets follow KIND_FACETS. Loading is
idempotent (listings already present by reference_key are skipped) and in bulk; the new ones are
indexed for search and for the matcher.
"""

import random
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from nesta.demo.generator import DEFAULT_SEED
from nesta.demo.market.listing_content import (  # noqa: F401 (the builders tests and the bench reuse)
    CASE_KEY,
    PROVINCES,
    _achievement_listing,
    _case_specs,
    _content,
    _demand_listing,
    _rng,
)
from nesta.demo.timeline import LOCAL, WORK_FROM, WORK_UNTIL, local_at, stamps_as_given, working_day, working_time

KEY = "demo-mkt-{:06d}"
HISTORY_DAYS = 540
_RELATED = ("organization", "field__parent__parent", "province", "city")  # what the indexers read

KIND_WEIGHTS = {
    "achievement": 30,
    "demand": 15,
    "capacity": 9,
    "outsourcing": 8,
    "service": 7,
    "financing": 6,
    "investor": 4,
    "property_right": 5,
    "agri_variety": 5,
    "agri_supply": 6,
    "agri_demand": 5,
}
OWNER_KINDS = {
    "achievement": ["university", "research_institute", "key_laboratory", "engineering_center", "enterprise"],
    "demand": ["enterprise"],
    "capacity": ["enterprise"],
    "outsourcing": ["enterprise"],
    "service": ["intermediary", "productivity_center", "technology_market", "incubator"],
    "financing": ["enterprise"],
    "investor": ["venture_capital"],
    "property_right": ["enterprise", "research_institute"],
    "agri_variety": ["research_institute", "university", "agricultural_park"],
    "agri_supply": ["agricultural_park", "enterprise"],
    "agri_demand": ["enterprise"],
}
STATUS_WEIGHTS = [
    ("published", 74),
    ("negotiating", 6),
    ("dealt", 5),
    ("draft", 4),
    ("submitted", 4),
    ("approved", 1),
    ("withdrawn", 2),
    ("expired", 4),
]
DEMO_ACCOUNT_ORGS = 20  # admin01–admin10 and member01–member20 sit in demo organisations 0–19
ACCOUNT_STATUSES = ("draft", "submitted", "published")
# the days a listing in each status is old at least: longer than its steps can take (_later)
MIN_AGE_DAYS = {
    "draft": 1,
    "submitted": 6,
    "approved": 11,
    "published": 16,
    "negotiating": 60,
    "dealt": 105,
    "withdrawn": 85,
    "expired": 205,
}


def listing_count(scale: int) -> int:
    return scale * 8


def _weighted(rng: random.Random, pairs: list[tuple[str, float]]) -> str:
    return rng.choices([k for k, _ in pairs], weights=[w for _, w in pairs])[0]


def _later(rng: random.Random, moment: datetime, days: tuple[int, int]) -> datetime:
    """The next step: working hours of a working day `days` (a range, at least 1) after `moment`'s."""
    day = working_day(moment.astimezone(LOCAL).date() + timedelta(days=rng.randint(*days)), back=False)
    return local_at(day, rng.randint(WORK_FROM, WORK_UNTIL))


def _stamps(rng: random.Random, status: str, now: datetime) -> dict[str, Any]:
    """The lifecycle's stamps of a listing in `status`, in order, in working hours, none after now."""
    today = now.astimezone(LOCAL).date()
    # old enough for every step to fall before now (each step is a few working days after the last)
    created = working_time(rng, today - timedelta(days=rng.randint(MIN_AGE_DAYS[status], HISTORY_DAYS)), not_after=now)
    s: dict[str, Any] = {"created_at": created}
    moment = created
    steps = ["submitted_at", "approved_at", "published_at"]
    reach = {"draft": 0, "submitted": 1, "approved": 2}.get(status, 3)
    for name in steps[:reach]:
        moment = min(_later(rng, moment, (1, 3)), now)
        s[name] = moment
    if status == "expired":
        valid = moment.astimezone(LOCAL).date() + timedelta(days=rng.randint(30, 180))
        if valid >= today:
            valid = today - timedelta(days=1)
        s["valid_until"] = valid
        # the periodic job expires it in the working hours after its last valid day
        expired = local_at(working_day(valid + timedelta(days=1), back=False), rng.randint(WORK_FROM, WORK_UNTIL))
        s["expired_at"] = max(min(expired, now), moment)
        moment = s["expired_at"]
    else:
        s["valid_until"] = today + timedelta(days=rng.randint(30, 700))
    for name, wanted in (("negotiating_at", ("negotiating", "dealt")), ("dealt_at", ("dealt",))):
        if status in wanted:
            moment = min(_later(rng, moment, (3, 40)), now)
            s[name] = moment
    if status == "withdrawn":
        moment = min(_later(rng, moment, (1, 60)), now)
        s["withdrawn_at"] = moment
    s["updated_at"] = moment
    return s


class _Owner:
    def __init__(self, row: tuple) -> None:
        self.id, self.kind, self.name, self.province_id, self.city_id, self.province_code = row[:6]
        self.contact_name, self.contact_phone, self.contact_email = row[6:9]


def load(
    scale: int,
    seed: int = DEFAULT_SEED,
    say: Callable[[str], None] = print,
    now: datetime | None = None,
    *,
    with_cases: bool = True,
) -> dict[str, Any]:
    """Write the demo listings missing from the database; returns counts. `with_cases=False`
    leaves the matching cases out (the quality benchmark loads them from its labelled set)."""
    from nesta.accounts.models import User
    from nesta.core.models import TaxonomyNode
    from nesta.directory.models import Organization
    from nesta.market.kinds import validate_details
    from nesta.market.models import Listing

    started = time.monotonic()
    now = now or timezone.now()
    today = now.astimezone(LOCAL).date()
    rows = Organization.objects.filter(reference_key__startswith="demo-org-").order_by("reference_key")
    owners = [
        _Owner(r)
        for r in rows.values_list(
            "id",
            "kind",
            "name",
            "province_id",
            "city_id",
            "province__code",
            "contact_name",
            "contact_phone",
            "contact_email",
        )
    ]
    if not owners:
        say("  demo market listings: no demo organisations (load the directory first)")
        return {"listings": 0}
    by_kind: dict[str, list[_Owner]] = {}
    for o in owners:
        by_kind.setdefault(o.kind, []).append(o)
    users: dict[int, int] = {}
    for user_id, org_id in (
        User.objects.filter(organization_id__in=[o.id for o in owners])
        .order_by("username")
        .values_list("id", "organization_id")
    ):
        users.setdefault(org_id, user_id)
    fields = dict(TaxonomyNode.objects.values_list("code", "id"))
    # the province accounts review their province's listings (the office where none is loaded)
    reviewers = dict(
        User.objects.filter(username__in=["liaoning", "jilin", "heilongjiang"]).values_list(
            "role_assignments__province__code", "id"
        )
    )
    office = User.objects.filter(username="office").values_list("id", flat=True).first()
    existing = set(
        Listing.objects.filter(reference_key__startswith="demo-mkt-").values_list("reference_key", flat=True)
    )

    # key, kind, status, rng, and the case's content or the owner chosen in advance (or None)
    specs: list[tuple[str, str, str, random.Random, Any]] = []
    for key, kind, content in _case_specs() if with_cases else []:
        specs.append((key, kind, "published", _rng(seed, "case", key), content))
    kinds = list(KIND_WEIGHTS.items())
    for i in range(listing_count(scale)):
        rng = _rng(seed, "listing", i)
        kind, status = _weighted(rng, kinds), _weighted(rng, STATUS_WEIGHTS)
        owner = None
        account_org = (
            owners[i % DEMO_ACCOUNT_ORGS] if i < 3 * DEMO_ACCOUNT_ORGS and i % DEMO_ACCOUNT_ORGS < len(owners) else None
        )
        offered = [k for k, of in OWNER_KINDS.items() if account_org and account_org.kind in of]
        if offered:  # the organisations of the demo accounts post what they can, a draft, a submitted, a published
            owner, kind = account_org, rng.choice(offered)
            status = ACCOUNT_STATUSES[(i // DEMO_ACCOUNT_ORGS) % len(ACCOUNT_STATUSES)]
        specs.append((KEY.format(i), kind, status, rng, owner))

    new: list[Listing] = []
    for key, kind, status, rng, spec_owner in specs:
        content = spec_owner if isinstance(spec_owner, dict) else None
        if key in existing:
            continue
        if isinstance(spec_owner, _Owner):
            owner, content = spec_owner, None
        else:
            pool = [o for k in OWNER_KINDS[kind] for o in by_kind.get(k, [])] or owners
            owner = pool[rng.randrange(len(pool))]
        content = dict(content) if content is not None else _content(kind, rng, owner, today)
        details = validate_details(kind, content.pop("details"))
        field_id = fields.get(content.pop("field"))
        if field_id is None:
            continue  # the taxonomy is not loaded
        stamps = _stamps(rng, status, now)
        if "approved_at" in stamps:
            stamps["reviewed_by_id"] = reviewers.get(owner.province_code, office)
        if kind in ("demand", "outsourcing") and rng.random() < 0.6:  # wanted by the end of the validity
            details = validate_details(kind, {**details, "deadline": stamps["valid_until"].isoformat()})
        new.append(
            Listing(
                kind=kind,
                status=status,
                organization_id=owner.id,
                created_by_id=users.get(owner.id),
                field_id=field_id,
                province_id=owner.province_id,
                city_id=owner.city_id,
                contact_name=owner.contact_name or "王工",
                contact_phone=owner.contact_phone or "024-23456789",
                contact_email=owner.contact_email or "market@example.cn",
                details=details,
                reference_key=key,
                **content,
                **stamps,
            )
        )
    if not new:
        say(f"  demo market listings already loaded ({len(existing)})")
        return {"listings": 0}
    with transaction.atomic(), stamps_as_given(Listing):
        Listing.objects.bulk_create(new, batch_size=1000)
    indexed = _index(new)
    counts = {"listings": len(new), "indexed": indexed, "seconds": round(time.monotonic() - started, 1)}
    say(f"  demo market listings: {len(new)} listings ({indexed} public, indexed) in {counts['seconds']}s")
    return counts


def _index(listings: list[Any]) -> int:
    """Search documents and the matcher's documents of the new listings (bulk_create sends no signals)."""
    from nesta.market.matching.index import sync_listings
    from nesta.market.matching.thesaurus import current
    from nesta.market.models import Listing
    from nesta.market.services.indexing import index_listings

    ids = [x.pk for x in listings]
    count = 0
    for i in range(0, len(ids), 2000):
        batch = list(Listing.objects.filter(pk__in=ids[i : i + 2000]).select_related(*_RELATED))
        count += index_listings(batch)
        th = current()
        sync_listings(batch, th)
    return count
