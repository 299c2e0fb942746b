"""Testing orders (分析测试) and the service catalogue they are placed against.

The order's steps are the TESTORDER transition table (instruments/lifecycles/); each step's
service function below validates its input and runs the step through it: the customer (SELF)
submits, confirms and cancels; the instrument's staff (instrument.manage on the instrument) quote,
receive, start, report and settle. Wrong state → Conflict `invalid_state`; each step is audited as
its named event and notifies the other side.
"""

import os
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from nesta.core.audit import audit_record
from nesta.core.errors import Conflict, NotFound, ValidationFailed, validation_details
from nesta.core.permissions import require
from nesta.core.transactions import write_transaction
from nesta.instruments.lifecycles import TESTORDER, notify_order, staff_of
from nesta.instruments.models import Instrument, ServiceItem, TestOrder
from nesta.instruments.policy import LOCAL
from nesta.instruments.services.fees import charge_for_order, money
from nesta.instruments.services.payers import account_check

S = TestOrder.Status
# Which states each step starts from, from the table: the staff's steps and the customer's.
STAFF_STEPS: dict[str, tuple[str, ...]] = {
    t.name: t.sources for t in TESTORDER.offered() if t.permission == "instrument.manage"
}
CUSTOMER_STEPS: dict[str, tuple[str, ...]] = {
    t.name: t.sources for t in TESTORDER.offered() if t.permission == "testorder.own"
}
CANCELLABLE = TESTORDER.transition("cancel").sources
MAX_AMOUNT = Decimal("999999999999.99")
MAX_QUANTITY = Decimal("99999999.99")
REPORT_MAX_BYTES = 50 * 1024 * 1024
REPORT_EXTENSIONS = {".pdf", ".doc", ".docx", ".xls", ".xlsx", ".csv", ".txt", ".zip", ".jpg", ".jpeg", ".png", ".tif"}
SERVICE_FIELDS = {"name", "unit", "internal_price", "external_price", "description", "active"}


# --- helpers ---------------------------------------------------------------------------------


def _decimal(value: Any, field: str, *, maximum: Decimal, positive: bool = False) -> Decimal:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        raise ValidationFailed(details={field: [_("应为数字。")]})
    if not number.is_finite() or number < 0 or (positive and number == 0) or number > maximum:
        message = _("应为大于0的数。") if positive else _("应为不小于0的数。")
        raise ValidationFailed(details={field: [message]})
    if number != number.quantize(Decimal("0.01")):
        raise ValidationFailed(details={field: [_("最多两位小数。")]})
    return number.quantize(Decimal("0.01"))


# --- the catalogue ---------------------------------------------------------------------------


def _clean_service(item: ServiceItem) -> None:
    try:
        item.full_clean(exclude=["instrument"])
    except ValidationError as exc:
        raise ValidationFailed(details=validation_details(exc)) from exc


def service_item_create(*, actor: Any, instrument_id: int, data: dict[str, Any]) -> ServiceItem:
    """Add an entry to an instrument's testing-service catalogue (the instrument's staff)."""
    instrument = Instrument.objects.select_related("province").filter(pk=instrument_id).first()
    if instrument is None:
        raise NotFound()
    require(actor, "instrument.manage", instrument)
    unknown = sorted(set(data) - SERVICE_FIELDS)
    if unknown:
        raise ValidationFailed(details={k: [_("不支持的字段。")] for k in unknown})
    values = dict(data)
    for field in ("internal_price", "external_price"):
        if field not in values:
            raise ValidationFailed(details={field: [_("必填。")]})
        values[field] = _decimal(values[field], field, maximum=MAX_AMOUNT)
    item = ServiceItem(instrument=instrument, **values)
    _clean_service(item)
    with write_transaction():
        item.save()
        audit_record(
            actor=actor,
            action="create",
            instance=item,
            changes={k: [None, str(getattr(item, k))] for k in sorted(SERVICE_FIELDS)},
        )
    return item


def service_item_update(*, actor: Any, item_id: int, data: dict[str, Any]) -> ServiceItem:
    """Change a catalogue entry (prices, description, active); orders already placed keep their prices."""
    with write_transaction():
        locked = ServiceItem.objects.select_for_update(of=("self",)).select_related("instrument__province")
        item = locked.filter(pk=item_id).first()
        if item is None:
            raise NotFound()
        require(actor, "instrument.manage", item.instrument)
        unknown = sorted(set(data) - SERVICE_FIELDS)
        if unknown:
            raise ValidationFailed(details={k: [_("不支持的字段。")] for k in unknown})
        changes: dict[str, list[Any]] = {}
        for name, value in data.items():
            if name in ("internal_price", "external_price"):
                value = _decimal(value, name, maximum=MAX_AMOUNT)
            before = getattr(item, name)
            if before != value:
                changes[name] = [str(before), str(value)]
                setattr(item, name, value)
        _clean_service(item)
        if changes:
            item.save()
            audit_record(actor=actor, action="update", instance=item, changes=changes)
    return item


# --- the order's steps -----------------------------------------------------------------------


def testorder_submit(
    *,
    actor: Any,
    service_id: int,
    quantity: Any,
    sample_description: str = "",
    notes: str = "",
    account_id: int | None = None,
    now: datetime | None = None,
) -> TestOrder:
    """提交: a customer orders `quantity` units (samples or hours) of a catalogue service, charged
    to payer account `account_id` when given (services.payers.account_check with the list amount,
    under the write lock)."""
    require(actor, "testorder.create")
    quantity = _decimal(quantity, "quantity", maximum=MAX_QUANTITY, positive=True)
    errors: dict[str, list[str]] = {}
    if len(sample_description) > 5000:
        errors["sample_description"] = [_("最多5000个字符。")]
    if len(notes) > 5000:
        errors["notes"] = [_("最多5000个字符。")]
    if errors:
        raise ValidationFailed(details=errors)
    with write_transaction():
        service = ServiceItem.objects.select_related("instrument__province").filter(pk=service_id).first()
        if service is None:
            raise NotFound()
        instrument = service.instrument
        if not service.active:
            raise Conflict(_("该服务项目已停用。"), code="service_inactive")
        if instrument.status == Instrument.Status.RETIRED:
            raise Conflict(_("该仪器已停用，不接受测试订单。"), code="instrument_retired")
        external = actor.organization_id != instrument.owner_id
        if external and not instrument.is_open:
            raise Conflict(_("该仪器不对外开放。"), code="not_open")
        unit_price = service.external_price if external else service.internal_price
        account = None
        if account_id is not None:
            account = account_check(
                user=actor,
                account_id=account_id,
                instrument=instrument,
                amount=money(unit_price * quantity),
                occurs_on=timezone.localtime(now or timezone.now(), LOCAL).date(),
            )
        order = TestOrder.objects.create(
            account=account,
            service=service,
            instrument=instrument,
            customer=actor,
            organization_id=actor.organization_id,
            is_external=external,
            quantity=quantity,
            unit_price=unit_price,
            list_amount=money(unit_price * quantity),
            sample_description=sample_description,
            notes=notes,
        )
        audit_record(
            actor=actor,
            action="testorder.submitted",
            instance=order,
            changes={
                "service": [None, service.pk],
                "quantity": [None, str(quantity)],
                "list_amount": [None, str(order.list_amount)],
                "status": [None, order.status],
                **({"account": [None, str(account)]} if account is not None else {}),
            },
        )
        notify_order(staff_of(instrument), order, "testorder_submitted", _("新的测试订单：%(s)s") % {"s": service.name})
    return order


def testorder_quote(
    *, actor: Any, order_id: int, amount: Any, note: str = "", now: datetime | None = None
) -> TestOrder:
    """报价: the instrument's staff quote an amount (it may differ from the list price); re-quoting
    is allowed until the customer confirms."""
    amount = _decimal(amount, "amount", maximum=MAX_AMOUNT)
    if len(note) > 300:
        raise ValidationFailed(details={"note": [_("最多300个字符。")]})

    def recheck(order: TestOrder, _t: Any) -> None:
        # the quote replaces the list amount on the order's account: within its limit still?
        if order.account_id is not None:
            account_check(
                user=order.customer,
                account_id=order.account_id,
                instrument=order.instrument,
                amount=amount,
                occurs_on=timezone.localtime(now or timezone.now(), LOCAL).date(),
                exclude_order_id=order.pk,
            )

    return TESTORDER.run(
        "quote", actor=actor, obj_id=order_id, now=now, prepare=recheck, quoted_amount=amount, quote_note=note
    )


def testorder_confirm(*, actor: Any, order_id: int, now: datetime | None = None) -> TestOrder:
    """用户确认: the customer accepts the quote."""
    return TESTORDER.run("confirm", actor=actor, obj_id=order_id, now=now)


def testorder_receive(*, actor: Any, order_id: int, now: datetime | None = None) -> TestOrder:
    """收样: the staff received the samples."""
    return TESTORDER.run("receive", actor=actor, obj_id=order_id, now=now)


def testorder_start(*, actor: Any, order_id: int, now: datetime | None = None) -> TestOrder:
    """检测中: testing has begun."""
    return TESTORDER.run("start", actor=actor, obj_id=order_id, now=now)


def _check_report(file: UploadedFile | None) -> str:
    if file is None:
        raise ValidationFailed(details={"file": [_("请上传检测报告文件。")]})
    name = get_valid_filename(os.path.basename(file.name or "")) if file.name else ""
    ext = os.path.splitext(name)[1].lower()
    if ext not in REPORT_EXTENSIONS:
        allowed = ", ".join(sorted(REPORT_EXTENSIONS))
        raise ValidationFailed(details={"file": [_("不支持的文件类型，允许：%(a)s") % {"a": allowed}]})
    if not file.size:
        raise ValidationFailed(details={"file": [_("文件为空。")]})
    if file.size > REPORT_MAX_BYTES:
        raise ValidationFailed(details={"file": [_("文件不能超过50MB。")]})
    stem, _ext = os.path.splitext(name)
    return f"{stem[: 200 - len(ext)]}{ext}"


def testorder_report(*, actor: Any, order_id: int, file: UploadedFile, now: datetime | None = None) -> TestOrder:
    """报告已出: the staff upload the report; it is delivered through the platform only."""
    name = _check_report(file)
    stored: list[tuple[Any, str]] = []

    def store(order: TestOrder, _t: Any) -> None:
        # after the checks, before the row: only a step that may happen writes the file
        order.report.save(name, file, save=False)
        stored.append((order.report.storage, order.report.name or ""))

    try:
        return TESTORDER.run("report", actor=actor, obj_id=order_id, now=now, prepare=store, report_name=name)
    except BaseException:
        # The file is written before the row: a rolled-back step must not leave it behind.
        for storage, path in stored:
            if path:
                storage.delete(path)
        raise


def testorder_settle(*, actor: Any, order_id: int, now: datetime | None = None) -> TestOrder:
    """已结算: the staff settle the order; its charge (the quoted amount) is created."""
    now = now or timezone.now()

    def charge(order: TestOrder, _t: Any) -> None:
        line = charge_for_order(order, settled_at=now)
        line.save()
        audit_record(
            actor=actor,
            action="create",
            instance=line,
            changes={"order": [None, order.pk], "amount": [None, str(line.amount)]},
        )
        order.charge = line

    return TESTORDER.run("settle", actor=actor, obj_id=order_id, now=now, effect=charge)


def testorder_cancel(*, actor: Any, order_id: int, now: datetime | None = None) -> TestOrder:
    """The customer cancels, before the samples are received."""
    return TESTORDER.run("cancel", actor=actor, obj_id=order_id, now=now)
