"""Writes of listings: create, update, the lifecycle's transitions and the expiry job.

Every write runs in one write_transaction(): permission (`listing.create` / `listing.change` on
the listing's province and owner organisation), the rules of services.listing_rules, the save,
the search document (services.indexing.index_listing) and the named audit event commit together
or not at all.

Editing (PATCH semantics, the owner's side): a draft (also one returned by the reviewer) may
change everything but its kind and owner. Under review (submitted, approved) nothing changes:
the reviewer judges what was submitted. On the market (published, negotiating) the texts and
contacts may be corrected and the validity extended — the listing stays published and the
change is audited — but the facets (field, region, maturity, IP type, prices) and the kind's
details, which search, matching and a bidding round rely on, are fixed: withdraw and list
again. Closed listings (dealt, withdrawn, expired) are not edited.
"""

from datetime import date
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from nesta.core.audit import audit_record, diff, snapshot
from nesta.core.errors import Conflict, NotFound, ValidationFailed
from nesta.core.lifecycle import Transition
from nesta.core.models import Region
from nesta.core.permissions import Target, require
from nesta.core.transactions import write_transaction
from nesta.directory.models import Organization
from nesta.market.lifecycles import INTEREST, LISTING, ROUND
from nesta.market.models import BiddingRound, Interest, Listing, ListingStatus
from nesta.market.services.indexing import index_listing
from nesta.market.services.listing_rules import COMMON_FIELDS, FACET_FIELDS, check_listing

S = ListingStatus
EDITABLE = (S.DRAFT,)
ON_MARKET = (S.PUBLISHED, S.NEGOTIATING)
UNDER_REVIEW = (S.SUBMITTED, S.APPROVED)
# What may change while the listing is on the market.
ON_MARKET_FIELDS = frozenset(
    {"title", "summary", "keywords", "contact_name", "contact_phone", "contact_email", "valid_until"}
)
REASON_MAX = 500
ID_MAX = 2_147_483_647


def _organization(actor: Any, value: Any) -> Organization:
    """The owner: the given organisation, or the one the actor acts for."""
    if value in (None, ""):
        value = getattr(actor, "organization_id", None)
        if value is None:
            raise ValidationFailed(
                _("请选择发布单位。"), code="organization_required", details={"organization": [_("请选择发布单位。")]}
            )
    if isinstance(value, Organization):
        return value
    if isinstance(value, bool) or not (isinstance(value, int) or (isinstance(value, str) and value.isdigit())):
        raise ValidationFailed(details={"organization": [_("应为机构 id。")]}, code="unknown_organization")
    pk = int(value)
    org = Organization.objects.select_related("province", "city").filter(pk=pk).first() if 0 < pk <= ID_MAX else None
    if org is None:
        raise ValidationFailed(
            _("机构不存在。"), code="unknown_organization", details={"organization": [_("机构不存在。")]}
        )
    return org


def _require_for(actor: Any, action: str, org: Organization, province_code: str | None) -> None:
    """`action` for the organisation, where it sits and where the listing is placed."""
    require(actor, action, Target(province_code=org.province.code, organization_id=org.pk))
    if province_code and province_code != org.province.code:
        require(actor, action, Target(province_code=province_code, organization_id=org.pk))


def _stored(listing: Listing) -> dict[str, Any]:
    """The listing's values in the shape check_listing takes."""
    data: dict[str, Any] = {name: getattr(listing, name) for name in (*COMMON_FIELDS, *FACET_FIELDS)}
    data["details"] = dict(listing.details or {})
    data["price_low"] = listing.price_low
    data["price_high"] = listing.price_high
    return data


def _apply(listing: Listing, clean: dict[str, Any]) -> None:
    for name, value in clean.items():
        setattr(listing, name, value)


def audit_snapshot(listing: Listing) -> dict[str, Any]:
    data = snapshot(listing)
    for stamp in ("reference_key",):
        data.pop(stamp, None)
    data["details"] = listing.details  # JSON, compared and shown as it is
    return data


def _listing_id(value: Any) -> int:
    """An id the database can hold (a web path's <int:> has no bound; SQLite overflows past 2**63)."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= ID_MAX:
        raise NotFound(_("未找到该信息。"))
    return value


def _input(data: Any) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise ValidationFailed(details={"__all__": [_("应为对象。")]})
    return data


def listing_prepare(*, actor: Any, data: dict[str, Any], today: date | None = None) -> Listing:
    """An unsaved draft listing from `data`, checked (permission, every rule) and nothing written:
    what listing_create saves, and what an import checks row by row before its one write."""
    data = _input(data)
    today = today or timezone.localdate()
    if not getattr(actor, "is_authenticated", False):
        require(actor, "listing.create")
    org = _organization(actor, data.get("organization"))
    values = {k: val for k, val in data.items() if k not in ("kind", "organization")}
    values.setdefault("province", org.province)
    province = values.get("province")
    if "city" not in data and province in (org.province, org.province.code):
        values["city"] = org.city  # the owner's city unless another is given
    code = province.code if isinstance(province, Region) else province
    _require_for(actor, "listing.create", org, code if isinstance(code, str) else None)
    clean = check_listing(values, kind=data.get("kind"), today=today, timed={"valid_until", "details"})
    listing = Listing(kind=data["kind"], organization=org, created_by=actor, status=S.DRAFT)
    _apply(listing, clean)
    return listing


def listing_create(*, actor: Any, data: dict[str, Any], today: date | None = None) -> Listing:
    """A new draft listing of `data["kind"]` owned by `data["organization"]` (default: the
    organisation the actor acts for). Raises 401/403, 422 with a code per broken rule."""
    with write_transaction():
        listing = listing_prepare(actor=actor, data=data, today=today)
        listing.save()
        index_listing(listing)
        audit_record(actor=actor, action="listing.created", instance=listing, changes=diff({}, audit_snapshot(listing)))
    return listing


def listing_update(*, actor: Any, listing_id: int, data: dict[str, Any], today: date | None = None) -> Listing:
    """Change the given fields of a listing (PATCH); see the module's docstring for what may
    change in which state. Kind and owner never change."""
    data = _input(data)
    today = today or timezone.localdate()
    with write_transaction():
        listing = LISTING.load_for_update(_listing_id(listing_id))
        require(actor, "listing.change", listing)
        fixed = sorted(k for k in ("kind", "organization") if k in data)
        if fixed:
            raise ValidationFailed(
                _("类别和发布单位不能修改。"),
                code="field_fixed",
                details={k: [_("不能修改。")] for k in fixed},
            )
        if listing.status in UNDER_REVIEW:
            raise Conflict(
                _("信息正在审核中，不能修改；如需修改请先撤回或等待退回。"),
                code="listing_under_review",
                details={"status": listing.status},
            )
        if listing.status not in (*EDITABLE, *ON_MARKET):
            raise Conflict(
                _("信息已结束（%(s)s），不能修改。") % {"s": listing.get_status_display()},
                code="listing_closed",
                details={"status": listing.status},
            )
        if listing.status in ON_MARKET:
            locked = sorted(k for k in data if k not in ON_MARKET_FIELDS)
            if locked:
                raise Conflict(
                    _("已发布的信息只能修改标题、简介、关键词、联系方式和有效期；其他内容请撤回后重新发布。"),
                    code="field_locked",
                    details={"status": listing.status, "fields": locked},
                )
        values = {**_stored(listing), **data}
        if isinstance(data.get("details"), dict):
            # a merge patch of the details: the given keys replace, a null removes one
            merged = {**(listing.details or {}), **data["details"]}
            values["details"] = {k: val for k, val in merged.items() if val is not None}
        if "province" in data and "city" not in data:
            values["city"] = None  # a new province: the old city is not in it
        new_province = data.get("province")
        if isinstance(new_province, str) and new_province != listing.province.code:
            _require_for(actor, "listing.change", listing.organization, new_province)
        clean = check_listing(values, kind=listing.kind, today=today, timed=set(data))
        before = audit_snapshot(listing)
        _apply(listing, clean)
        after = audit_snapshot(listing)
        changes = diff(before, after)
        if changes:
            listing.save()
            index_listing(listing)
            audit_record(actor=actor, action="listing.updated", instance=listing, changes=changes)
    return listing


# --- the lifecycle -----------------------------------------------------------------------------


def _index(listing: Listing, t: Transition) -> None:
    index_listing(listing)


def _leave_market(listing: Listing, t: Transition) -> None:
    """A listing withdrawn or expired takes its negotiations and its bidding round with it: open
    and accepted interests lapse (both sides told), a round still taking registrations is
    cancelled. A round already taking bids is not cut short: withdrawing is refused before (guard)."""
    index_listing(listing)
    for interest_id in listing.interests.filter(status__in=Interest.ACTIVE).values_list("pk", flat=True):
        INTEREST.run("lapse", actor=None, obj_id=interest_id, system=True)
    for round_id in BiddingRound.objects.filter(listing=listing, status__in=BiddingRound.LIVE).values_list(
        "pk", flat=True
    ):
        ROUND.run(
            "cancel",
            actor=None,
            obj_id=round_id,
            system=True,
            outcome=BiddingRound.Outcome.CANCELLED,
            outcome_note=str(_("挂牌信息已撤回或过期")),
            winner_id=None,
        )


def _no_bidding_under_way(listing: Listing, t: Transition) -> None:
    if BiddingRound.objects.filter(listing=listing, status=BiddingRound.Status.OPEN).exists():
        raise Conflict(
            _("该信息正在网络竞价，竞价结束前不能撤回；如确需终止，请由运营方取消竞价。"),
            code="bidding_in_progress",
        )


def _not_expired(listing: Listing, t: Transition) -> None:
    today = timezone.localdate()
    if listing.valid_until is not None and listing.valid_until < today:
        raise ValidationFailed(
            _("有效期已过（%(d)s），请先修改有效期。") % {"d": listing.valid_until},
            code="validity_passed",
            details={"valid_until": [_("有效期已过，请修改。")]},
        )


def listing_run(
    name: str, *, actor: Any, listing_id: int, reason: str = "", system: bool = False, **fields: Any
) -> Listing:
    """Take transition `name` of the listing lifecycle (permission, state 409, audit, notify)
    and re-index the listing in the same transaction. Other parts (negotiation, contracts) take
    `negotiate`, `reopen` and `deal` through here too."""
    try:
        t = LISTING.transition(name)
    except LookupError:
        raise NotFound(_("未知的操作。")) from None
    prepare = _not_expired if name in ("submit", "publish") else _no_bidding_under_way if name == "withdraw" else None
    effect = _leave_market if name in ("withdraw", "expire") else _index
    if t.name in ("return", "approve"):
        note = reason.strip() if isinstance(reason, str) else ""
        if t.name == "return" and not note:
            raise ValidationFailed(
                _("请说明退回原因。"), code="reason_required", details={"reason": [_("请说明退回原因。")]}
            )
        if len(note) > REASON_MAX or any(ord(c) < 32 and c not in "\t\n\r" for c in note):
            raise ValidationFailed(
                _("原因最多 %(n)d 个字，且不能含控制字符。") % {"n": REASON_MAX},
                code="invalid_reason",
                details={"reason": [_("原因最多 %(n)d 个字，且不能含控制字符。") % {"n": REASON_MAX}]},
            )
        fields.update(review_note=note, reviewed_by=actor if getattr(actor, "is_authenticated", False) else None)
    return LISTING.run(
        t.name, actor=actor, obj_id=_listing_id(listing_id), system=system, prepare=prepare, effect=effect, **fields
    )


def listing_submit(*, actor: Any, listing_id: int) -> Listing:
    return listing_run("submit", actor=actor, listing_id=listing_id)


def listing_approve(*, actor: Any, listing_id: int, note: str = "") -> Listing:
    return listing_run("approve", actor=actor, listing_id=listing_id, reason=note)


def listing_return(*, actor: Any, listing_id: int, reason: str) -> Listing:
    return listing_run("return", actor=actor, listing_id=listing_id, reason=reason)


def listing_publish(*, actor: Any, listing_id: int) -> Listing:
    return listing_run("publish", actor=actor, listing_id=listing_id)


def listing_withdraw(*, actor: Any, listing_id: int) -> Listing:
    return listing_run("withdraw", actor=actor, listing_id=listing_id)


EXPIRE_BATCH = 500


def listings_expire(today: date | None = None, *, limit: int = 10 * EXPIRE_BATCH) -> int:
    """The periodic job: every listing whose validity ended before today (local date) and that
    is not closed or in negotiation becomes expired (audited, owner told, out of search). Each
    listing is its own short transaction, so the job never holds the write lock for long; at
    most `limit` per run (the next run takes the rest). Returns how many expired."""
    today = today or timezone.localdate()
    sources = LISTING.transition("expire").sources
    done = 0
    while done < limit:
        ids = list(
            Listing.objects.filter(status__in=sources, valid_until__lt=today)
            .order_by("valid_until", "pk")
            .values_list("pk", flat=True)[: min(EXPIRE_BATCH, limit - done)]
        )
        if not ids:
            break
        for pk in ids:
            try:
                LISTING.run("expire", actor=None, obj_id=pk, system=True, effect=_leave_market)
            except (Conflict, NotFound):  # changed meanwhile (withdrawn, deleted)
                continue
            done += 1
        if len(ids) < EXPIRE_BATCH:
            break
    return done
