"""Demo data of the market's negotiation part: interests and their threads on the demo listings.

- Every demo listing 洽谈中 gets the accepted interest that put it there (accepted at the listing's
  negotiating_at) and a conversation of a few messages since; some get a second, open interest.
- Every dealt listing gets the negotiation that ended in the deal (accepted, then 已结束 at dealt_at).
- A share of the published listings have open interests (some with a first question) and a few
  declined ones with the owner's answer.
The interested organisation is one with a demo account, of a kind that would ask (enterprises ask
about achievements and capacities, universities and institutes answer demands). Each listing's
negotiations come from random.Random seeded by (seed, its reference key), so a load is
deterministic; a listing that already has an interest is skipped, so loading twice adds nothing.
Every moment lies after the listing's own stamps (answers and messages in working hours) and
never after now.
"""

import random
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from nesta.demo.generator import DEFAULT_SEED
from nesta.demo.timeline import after, stamps_as_given

OPEN_SHARE = 0.10  # published listings with an open interest
DECLINED_SHARE = 0.04  # … with a declined one
SECOND_SHARE = 0.3  # negotiating listings with a second, open interest

# who asks about a listing of each kind
ASKERS = {
    "achievement": ("enterprise",),
    "capacity": ("enterprise",),
    "service": ("enterprise",),
    "investor": ("enterprise",),
    "agri_variety": ("enterprise", "agricultural_park"),
    "agri_supply": ("enterprise",),
    "property_right": ("enterprise", "venture_capital"),
    "demand": ("university", "research_institute", "engineering_center", "key_laboratory"),
    "outsourcing": ("enterprise",),
    "financing": ("venture_capital",),
    "agri_demand": ("agricultural_park", "enterprise"),
}
INTEREST_TEXTS = (
    "我方对“{t}”很感兴趣，希望进一步了解技术细节和合作方式。",
    "我单位正在寻找这方面的合作伙伴，能否提供更详细的资料？",
    "贵方的信息与我方需求高度契合，希望安排一次线上交流。",
    "我们有相关项目正在推进，想了解合作周期和费用范围。",
)
PARTY_LINES = (
    "您好，能否先发一份技术资料或样品检测报告？",
    "我方产线目前的情况：年产约两万件，主要问题集中在成品率上。",
    "能否安排技术人员来现场看一下？下周二、三我们都有时间。",
    "关于合作方式，我们倾向于先做小批量验证，再谈许可。",
    "费用方面能否分阶段支付？验收通过后再付尾款。",
    "资料已收到，我们技术部正在评估，本周内回复。",
)
OWNER_LINES = (
    "感谢关注！资料整理好后发您，建议先签保密协议。",
    "可以安排，我们的项目负责人周三上午可以到厂。",
    "中试数据表明成品率可提升到九成以上，具体见检测报告。",
    "分阶段支付可以考虑，具体条款可以在合同里约定。",
    "我们也支持先做小批量验证，周期大约两个月。",
    "好的，等您的评估意见，有问题随时沟通。",
)
ANSWERS_ACCEPTED = ("欢迎进一步洽谈，联系方式已公开给贵方。", "感谢关注，请与联系人直接沟通。", "")
ANSWERS_DECLINED = (
    "该技术目前已与其他单位洽谈中，暂不接受新的合作。",
    "贵方需求与我方技术的应用方向不太一致，抱歉。",
    "我方暂不考虑技术转让，仅接受合作开发。",
)


def _rng(seed: int, key: str) -> random.Random:
    return random.Random(f"{seed}:market-negotiation:{key}")


def _capped(moment: datetime, now: datetime) -> datetime:
    return min(moment, now)


def load(
    scale: int, seed: int = DEFAULT_SEED, say: Callable[[str], None] = print, now: datetime | None = None
) -> dict[str, Any]:
    """Write the demo negotiations missing from the database; returns counts."""
    from nesta.accounts.models import User
    from nesta.market.models import Interest, Listing, ThreadMessage

    now = now or timezone.now()
    listings = list(
        Listing.objects.filter(
            reference_key__startswith="demo-mkt-",
            status__in=("published", "negotiating", "dealt"),
        )
        .exclude(interests__isnull=False)
        .select_related("organization")
        .order_by("reference_key")
    )
    if not listings:
        say("  demo market negotiations: nothing to add")
        return {"interests": 0, "messages": 0}
    askers: dict[str, list[tuple[int, int]]] = {}  # organisation kind → [(organisation id, user id)]
    seen: set[int] = set()
    # people who act for their organisation (an organisation role in it; not an expert who merely works there)
    for user_id, org_id, kind in (
        User.objects.filter(
            organization__reference_key__startswith="demo-org-",
            is_active=True,
            role_assignments__role__in=("org_admin", "member", "instrument_manager"),
            role_assignments__organization_id=F("organization_id"),
        )
        .order_by("username")
        .values_list("id", "organization_id", "organization__kind")
    ):
        if org_id not in seen:
            seen.add(org_id)
            askers.setdefault(kind, []).append((org_id, user_id))
    everyone = [pair for pairs in askers.values() for pair in pairs]
    if not everyone:
        say("  demo market negotiations: no demo accounts of organisations")
        return {"interests": 0, "messages": 0}

    interests: list[Interest] = []
    threads: list[list[ThreadMessage]] = []  # per interest, its messages

    def asker(rng: random.Random, listing: Any, taken: set[int]) -> tuple[int, int] | None:
        pool = [p for k in ASKERS.get(listing.kind, ()) for p in askers.get(k, [])] or everyone
        pool = [p for p in pool if p[0] != listing.organization_id and p[0] not in taken]
        return pool[rng.randrange(len(pool))] if pool else None

    def add(listing: Any, pair: tuple[int, int], rng: random.Random, status: str, created: datetime) -> Interest:
        interest = Interest(
            listing=listing,
            organization_id=pair[0],
            user_id=pair[1],
            message=rng.choice(INTEREST_TEXTS).format(t=listing.title[:40]),
            status=status,
            created_at=created,
            updated_at=created,
        )
        interests.append(interest)
        threads.append([])
        return interest

    def talk(interest: Interest, listing: Any, rng: random.Random, start: datetime, end: datetime, n: int) -> None:
        moment = start
        if listing.created_by_id is None:
            n = min(n, 1)  # no one of the owner's side has an account: the party's first word only
        for k in range(n):
            moment = after(rng, moment, days=(0, 4))
            if moment >= end:
                break
            party_turn = k % 2 == 0
            threads[-1].append(
                ThreadMessage(
                    author_id=interest.user_id if party_turn else listing.created_by_id,
                    author_organization_id=interest.organization_id if party_turn else listing.organization_id,
                    body=rng.choice(PARTY_LINES if party_turn else OWNER_LINES),
                    created_at=moment,
                )
            )
            interest.last_message_at = moment
        if interest.last_message_at:
            # the owner has read up to the last but one message: a little unread on one side
            interest.party_read_at = interest.last_message_at
            interest.owner_read_at = threads[-1][-2].created_at if len(threads[-1]) > 1 else None
            interest.updated_at = max(interest.updated_at, interest.last_message_at)

    for listing in listings:
        rng = _rng(seed, listing.reference_key)
        published = listing.published_at or listing.created_at
        if listing.status in ("negotiating", "dealt") and listing.negotiating_at:
            pair = asker(rng, listing, set())
            if pair is None:
                continue
            accepted = listing.negotiating_at
            created = max(published, accepted - timedelta(days=rng.randint(1, 10), minutes=rng.randint(5, 300)))
            created = min(created, accepted)
            interest = add(listing, pair, rng, "accepted", created)
            interest.accepted_at = accepted
            interest.answer = rng.choice(ANSWERS_ACCEPTED)
            end = listing.dealt_at if listing.status == "dealt" and listing.dealt_at else now
            if listing.status == "dealt":
                interest.status = "closed"
                interest.closed_at = end
            talk(interest, listing, rng, accepted, end, rng.randint(2, 6))
            interest.updated_at = max(interest.updated_at, interest.closed_at or accepted)
            if listing.status == "negotiating" and rng.random() < SECOND_SHARE:
                other = asker(rng, listing, {pair[0]})
                if other is not None:
                    add(listing, other, rng, "open", _capped(after(rng, accepted, days=(1, 20)), now))
            continue
        draw = rng.random()
        if draw < OPEN_SHARE:
            pair = asker(rng, listing, set())
            if pair is None:
                continue
            created = max(published, _capped(now - timedelta(days=rng.randint(0, 25), hours=rng.randint(0, 8)), now))
            interest = add(listing, pair, rng, "open", created)
            if rng.random() < 0.5:
                talk(interest, listing, rng, created, now, 1)
        elif draw < OPEN_SHARE + DECLINED_SHARE:
            pair = asker(rng, listing, set())
            if pair is None:
                continue
            created = _capped(after(rng, published, days=(1, 30)), now)
            interest = add(listing, pair, rng, "declined", created)
            interest.declined_at = _capped(after(rng, created, days=(0, 5)), now)
            interest.answer = rng.choice(ANSWERS_DECLINED)
            interest.updated_at = interest.declined_at

    if not interests:
        say("  demo market negotiations already loaded")
        return {"interests": 0, "messages": 0}
    with transaction.atomic(), stamps_as_given(Interest, ThreadMessage):
        Interest.objects.bulk_create(interests, batch_size=1000)
        messages = []
        for interest, thread in zip(interests, threads, strict=True):
            for m in thread:
                m.interest_id = interest.pk
                messages.append(m)
        ThreadMessage.objects.bulk_create(messages, batch_size=1000)
    counts: dict[str, Any] = {"interests": len(interests), "messages": len(messages)}
    for status in ("open", "accepted", "declined", "closed"):
        counts[status] = sum(1 for i in interests if i.status == status)
    say(
        f"  demo market negotiations: {counts['interests']} interests ({counts['accepted']} in negotiation, "
        f"{counts['open']} open, {counts['declined']} declined, {counts['closed']} closed), "
        f"{counts['messages']} messages"
    )
    return counts
