"""Writes of technology contract registration (技术合同认定登记): submission, the point's decision
(register with a 14-digit number, or refuse with coded reasons), withdrawal and the overdue job.

The number is 2-digit year (of registration, Asia/Shanghai) + 2-digit province + 2-digit city +
2-digit point + 6-digit serial. The serial is the point's `ContractSerial` row for the year,
taken under lock in the same write_transaction() as the status change: registrations at one point
queue on that row, so numbers are unique and gap-free, and a registration that fails anywhere
(a lock timeout, a listing that cannot be closed, the statistics) rolls its serial back too.
Registering a contract that names a listing on the market closes it as 已成交, and the
statistics cells are added (services.statistics.record_registration), in that transaction.
"""

from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as gettext_now
from django.utils.translation import gettext_lazy as _

from nesta.core.audit import audit_record, snapshot
from nesta.core.errors import Conflict, NotAuthenticated, NotFound
from nesta.core.models import AuditLog, Region, TaxonomyNode
from nesta.core.notifications import notify
from nesta.core.permissions import Role, Target, grants_of, require
from nesta.core.transactions import write_transaction
from nesta.directory.models import Organization
from nesta.market.lifecycles.contract import CONTRACT
from nesta.market.lifecycles.listing import ON_MARKET
from nesta.market.models import ContractSerial, Listing, RefusalReason, RegistrationPoint, TechContract
from nesta.market.services import contract_rules as r
from nesta.market.services.contract_rules import CHOICES, Problems
from nesta.market.services.listings import listing_run
from nesta.market.services.statistics import record_registration

ID_MAX = 2_147_483_647
SERIAL_MAX = 999_999
REFUSAL_NOTE_MAX = 500
S = TechContract.Status


def format_number(year: int, point: RegistrationPoint, serial: int) -> str:
    """The 14-digit registration number."""
    return f"{year % 100:02d}{point.number_prefix}{serial:06d}"


def _id(value: Any) -> int | None:
    if value in (None, ""):
        return None
    if isinstance(value, bool):
        return 0
    if isinstance(value, int):
        return value if 0 < value <= ID_MAX else 0
    if isinstance(value, str) and value.strip().isdigit() and len(value.strip()) <= 10:
        n = int(value)
        return n if 0 < n <= ID_MAX else 0
    return 0


def _require_login(actor: Any) -> None:
    if not getattr(actor, "is_authenticated", False):
        raise NotAuthenticated()


# --- submission --------------------------------------------------------------------------------


def _point(p: Problems, data: dict[str, Any]) -> RegistrationPoint | None:
    pk = _id(data.get("point_id"))
    if pk is None:
        p.add("point_id", "point_required", _("请选择登记点。"))
        return None
    point = (
        RegistrationPoint.objects.select_related("province", "city", "organization")
        .filter(pk=pk, is_active=True)
        .first()
        if pk
        else None
    )
    if point is None:
        p.add("point_id", "point_unknown", _("登记点不存在或已停用。"))
    return point


def _organization(p: Problems, data: dict[str, Any], party: str) -> Organization | None:
    name = f"{party}_organization_id"
    pk = _id(data.get(name))
    if pk is None:
        return None
    org = Organization.objects.select_related("province", "city").filter(pk=pk).first() if pk else None
    if org is None:
        p.add(name, f"{party}_organization_unknown", _("单位不存在。"))
    return org


def submit_target(point: RegistrationPoint, seller: Organization | None) -> Target:
    """Who may submit: the seller organisation's people, or the operator of the point's province."""
    return Target(province_code=point.province.code, organization_id=seller.pk if seller else None)


def check_submission(data: dict[str, Any], *, point: RegistrationPoint | None, p: Problems) -> dict[str, Any]:
    """Every rule of contract_rules on `data`; returns the model's field values (when p is empty)."""
    seller = _organization(p, data, "seller")
    buyer = _organization(p, data, "buyer")
    values: dict[str, Any] = {"seller_organization": seller, "buyer_organization": buyer}
    values["name"] = r.text(p, data, "name", 200)
    for name, choices in CHOICES.items():
        values[name] = r.choice(p, data, name, choices)
    known_cities = frozenset(Region.objects.filter(level="city").values_list("code", flat=True))
    for party, org in (("seller", seller), ("buyer", buyer)):
        given = dict(data)
        if org is not None:
            # an organisation of the directory brings its name and its city, unless they are given
            given.setdefault(f"{party}_name", "")
            if not str(given.get(f"{party}_name") or "").strip():
                given[f"{party}_name"] = org.name
            if (
                not str(given.get(f"{party}_region") or "").strip()
                and org.city is not None
                and given.get(f"{party}_country") in (None, "", r.CHINA)
            ):
                given[f"{party}_region"] = org.city.code
        values[f"{party}_name"] = r.text(p, given, f"{party}_name", 120)
        region, country = r.party_place(p, given, party, known_cities)
        values[f"{party}_region"], values[f"{party}_country"] = region, country
    if values["seller_country"] != r.CHINA:
        p.add("seller_country", "seller_country_not_china", _("卖方须为境内当事人。"))
    elif point is not None and values["seller_region"] and values["seller_region"][:2] != point.province.code[:2]:
        p.add(
            "seller_region",
            "seller_region_outside_point",
            _("技术合同由卖方在所在地登记：卖方不在%(p)s。") % {"p": point.province.name},
        )
    if r.same_party(values["seller_name"], values["buyer_name"]):
        p.add("buyer_name", "buyer_same_as_seller", _("买方与卖方不能是同一当事人。"))
    values["signed_on"], values["valid_from"], values["valid_until"] = r.check_dates(p, data)
    values["field"] = None
    field_code = data.get("field")
    if field_code not in (None, ""):
        values["field"] = TaxonomyNode.objects.filter(code=str(field_code)[:60]).first()
        if values["field"] is None:
            p.add("field", "field_unknown", _("未知的重点领域代码。"))
    lines, cost_total = r.costs(p, data)
    values["non_technical_costs"] = lines
    values["contract_amount"], values["technology_amount"] = r.check_amounts(p, data, cost_total)
    values["expected_investment"], values["expected_output"] = r.check_transfer_expectations(
        p, data, values["contract_type"]
    )
    values["listing"] = _listing(p, data, seller, buyer)
    return values


def _listing(p: Problems, data: dict[str, Any], seller: Any, buyer: Any) -> Listing | None:
    pk = _id(data.get("listing_id"))
    if pk is None:
        return None
    listing = Listing.objects.filter(pk=pk).first() if pk else None
    if listing is None:
        p.add("listing_id", "listing_unknown", _("对应的技术市场信息不存在。"))
        return None
    parties = {o.pk for o in (seller, buyer) if o is not None}
    if parties and listing.organization_id not in parties:
        p.add("listing_id", "listing_not_of_parties", _("该信息不属于合同的买方或卖方单位。"))
    return listing


def contract_submit(*, actor: Any, data: dict[str, Any], now: datetime | None = None) -> TechContract:
    """Submit a contract for registration at a point (the seller's side, or the operator).

    `data` holds the fields of TechContract by name (`point_id`, `seller_organization_id`,
    `buyer_organization_id`, `listing_id`, `field` as a taxonomy code, the rest as stored); the
    seller organisation defaults to the actor's own. 401, then 403, then 422 with the rules'
    codes (contract_rules.CODES)."""
    _require_login(actor)
    data = dict(data)
    own = getattr(actor, "organization_id", None)
    if data.get("seller_organization_id") in (None, "") and own:
        # people of an organisation submit for it; an operator names the seller (or none)
        if any(g.organization_id == own for g in grants_of(actor)):
            data["seller_organization_id"] = own
    p = Problems()
    point = _point(p, data)
    seller = _organization(Problems(), data, "seller")
    if point is not None:
        require(actor, "contract.submit", submit_target(point, seller))
    values = check_submission(data, point=point, p=p)
    p.raise_if_any()
    assert point is not None
    now = now or timezone.now()
    with write_transaction():
        contract = TechContract(
            point=point,
            status=S.SUBMITTED,
            submitted_by=actor,
            submitted_at=now,
            decision_due=timezone.localtime(now).date() + timedelta(days=point.decision_days),
            **values,
        )
        contract.save()
        audit_record(actor=actor, action="contract.submitted", instance=contract, changes=_created(contract))
    return contract


def _created(contract: TechContract) -> dict[str, list[Any]]:
    return {k: [None, v] for k, v in snapshot(contract).items() if v not in (None, "", [])}


# --- the decision ------------------------------------------------------------------------------


def take_serial(point: RegistrationPoint, year: int) -> int:
    """The point's next serial for the year, under the row's lock (inside the caller's
    transaction): the row is created if missing, then locked and bumped."""
    ContractSerial.objects.bulk_create([ContractSerial(point=point, year=year, last=0)], ignore_conflicts=True)
    row = ContractSerial.objects.select_for_update().get(point=point, year=year)
    if row.last >= SERIAL_MAX:
        raise Conflict(_("该登记点本年度的登记编号已用完。"), code="serial_exhausted")
    row.last += 1
    row.save(update_fields=["last"])
    return row.last


def _close_listing(contract: TechContract, actor: Any) -> None:
    """A registered contract that names a listing on the market closes it as 已成交."""
    if contract.listing_id is None:
        return
    if not Listing.objects.filter(pk=contract.listing_id, status__in=ON_MARKET).exists():
        return
    # through the listings part's runner: the same transition, and the search document follows
    listing_run("deal", actor=actor, listing_id=contract.listing_id, system=True)


def _load_for_decision(actor: Any, contract_id: int, action: str) -> TechContract:
    _require_login(actor)
    contract = TechContract.objects.select_related("point__province").filter(pk=contract_id).first()
    if contract is None:
        raise NotFound(_("未找到该技术合同。"))
    require(actor, action, contract)
    return contract


def contract_register(*, actor: Any, contract_id: int, now: datetime | None = None) -> TechContract:
    """Register a submitted contract: its number, the listing closed, the statistics — one
    transaction. 401/403/404, 409 invalid_state (already decided) or serial_exhausted."""
    now = now or timezone.now()
    t = CONTRACT.transition("register")
    with write_transaction():
        contract = CONTRACT.load_for_update(contract_id)
        require(actor, t.permission, contract)
        if contract.status not in t.sources:
            raise CONTRACT.invalid_state(contract, t)
        year = timezone.localtime(now).year
        serial = take_serial(contract.point, year)

        def effect(saved: TechContract, _t: Any) -> None:
            _close_listing(saved, actor)
            record_registration(saved)

        return CONTRACT.run(
            "register",
            actor=actor,
            obj=contract,
            now=now,
            effect=effect,
            serial=serial,
            number=format_number(year, contract.point, serial),
            decided_by=actor,
        )


def check_refusal(reasons: Any, note: Any) -> tuple[list[str], str]:
    """One or more known reasons (kept in the table's order, once each) and a note."""
    p = Problems()
    clean: list[str] = []
    if not isinstance(reasons, (list, tuple)) or not reasons:
        p.add("reasons", "refusal_reasons_required", _("请至少选择一项不予登记的理由。"))
    else:
        raw = {str(getattr(x, "value", x)) for x in reasons}
        if not raw <= set(RefusalReason.values):
            p.add("reasons", "refusal_reason_unknown", _("未知的不予登记理由。"))
        clean = [x for x in RefusalReason.values if x in raw]
    text = note.strip() if isinstance(note, str) else ""
    if not text:
        p.add("note", "refusal_note_required", _("请写明不予登记的说明。"))
    elif r.CONTROL.search(text) or len(text) > REFUSAL_NOTE_MAX:
        p.add("note", "refusal_note_invalid", _("说明不能包含控制字符，最多 %(n)d 字。") % {"n": REFUSAL_NOTE_MAX})
    p.raise_if_any()
    return clean, text


def contract_refuse(
    *, actor: Any, contract_id: int, reasons: Any, note: Any, now: datetime | None = None
) -> TechContract:
    """Refuse a submitted contract with one or more coded reasons (RefusalReason) and a note."""
    _load_for_decision(actor, contract_id, "contract.decide")
    clean, text = check_refusal(reasons, note)
    return CONTRACT.run(
        "refuse",
        actor=actor,
        obj_id=contract_id,
        now=now,
        refusal_reasons=clean,
        refusal_note=text,
        decided_by=actor,
    )


def contract_withdraw(*, actor: Any, contract_id: int) -> TechContract:
    _require_login(actor)
    return CONTRACT.run("withdraw", actor=actor, obj_id=contract_id)


# --- the overdue job -----------------------------------------------------------------------------


def point_staff(organization_ids: set[int]) -> dict[int, list[Any]]:
    """The people who decide at each point's organisation (its admins and members)."""
    from nesta.accounts.models import RoleAssignment

    staff: dict[int, list[Any]] = {}
    grants = RoleAssignment.objects.filter(
        organization_id__in=organization_ids, role__in=(Role.ORG_ADMIN, Role.MEMBER), user__is_active=True
    ).select_related("user")
    for g in grants:
        if g.organization_id is not None:
            staff.setdefault(g.organization_id, []).append(g.user)
    return staff


def contracts_flag_overdue(now: datetime | None = None) -> int:
    """Periodic: each submitted contract past its decision deadline is flagged once — the
    `contract.overdue` audit event and a message to its point's staff. Returns how many."""
    today = timezone.localtime(now or timezone.now()).date()
    candidates = list(
        TechContract.objects.filter(status=S.SUBMITTED, decision_due__lt=today)
        .select_related("point")
        .order_by("decision_due", "pk")[:2000]
    )
    flagged = set(
        AuditLog.objects.filter(
            action="contract.overdue",
            object_type="market.techcontract",
            object_id__in=[str(c.pk) for c in candidates],
        ).values_list("object_id", flat=True)
    )
    todo = [c for c in candidates if str(c.pk) not in flagged]
    if not todo:
        return 0
    staff = point_staff({c.point.organization_id for c in todo})
    with write_transaction():
        for c in todo:
            audit_record(
                actor=None, action="contract.overdue", instance=c, changes={"decision_due": [str(c.decision_due), None]}
            )
            for user in staff.get(c.point.organization_id, []):
                notify(
                    user=user,
                    kind="contract_overdue",
                    title=gettext_now("技术合同认定已超期：%(n)s") % {"n": c.name[:60]},
                    body=gettext_now("认定期限：%(d)s") % {"d": c.decision_due},
                    url=c.get_absolute_url(),
                )
    return len(todo)
