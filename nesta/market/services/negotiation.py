"""Interest and negotiation: a party expresses interest in a published listing of another
organisation; the owner's side accepts (the listing goes 洽谈中 and its contacts are revealed to
the interested organisation) or declines; the interested side may withdraw. Each interest has a
private thread of messages and documents (selectors.negotiation decides who may read it).

Rules and their codes: an unknown or never-published listing one may not see → 404; one's own
organisation's listing → 422 own_listing; a listing not on the market (draft, withdrawn,
expired, dealt) → 409 listing_not_open; a second live interest of the same organisation →
409 interest_exists (the database's partial unique constraint decides under concurrency); a
message into an ended negotiation → 409 thread_closed; too many messages or interests in a
while → 429 too_many_messages / too_many_interests; an attachment of the wrong type, size or
content → 422 invalid_attachment.
"""

import io
import os
import unicodedata
import uuid
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.core.files.base import ContentFile, File
from django.core.files.storage import Storage
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from nesta.core.audit import audit_record
from nesta.core.errors import Conflict, NotAuthenticated, NotFound, PermissionDenied, RateLimited, ValidationFailed
from nesta.core.models import Notification
from nesta.core.notifications import notify
from nesta.core.permissions import Target, can, require
from nesta.core.transactions import write_transaction
from nesta.core.validators import CONTROL, clean_text
from nesta.market.lifecycles import INTEREST
from nesta.market.lifecycles.interest import OPEN_LISTING, OWNER, PARTY, interest_url, side_of
from nesta.market.models import PUBLIC_STATUSES, Interest, Listing, ListingStatus, ThreadMessage
from nesta.market.services.listings import listing_run

MESSAGE_MAX = 2000  # the interest's message (Interest.message)
ANSWER_MAX = 500
BODY_MAX = 4000
# Posting: at most this many messages per person per window (a thread is a conversation, not a feed).
RATE_LIMITS = ((timedelta(minutes=1), 10), (timedelta(hours=1), 120))
INTEREST_WINDOW, INTEREST_MOST = timedelta(hours=1), 30  # interests one person may express per hour

ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
ATTACHMENT_NAME_MAX = 120
IMAGE_MAX_PIXELS = 40_000_000
ZIP_MAX_ENTRIES = 5000
ZIP_MAX_UNCOMPRESSED = 200 * 1024 * 1024
_ZIP = b"PK\x03\x04"
# extension → (content type, first bytes, the part an OOXML package must hold)
ATTACHMENT_TYPES: dict[str, tuple[str, bytes, str]] = {
    ".pdf": ("application/pdf", b"%PDF-", ""),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", _ZIP, "word/document.xml"),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", _ZIP, "xl/workbook.xml"),
    ".png": ("image/png", b"\x89PNG\r\n\x1a\n", ""),
    ".jpg": ("image/jpeg", b"\xff\xd8\xff", ""),
    ".jpeg": ("image/jpeg", b"\xff\xd8\xff", ""),
}
_NAME_UNSAFE = set('<>:"/\\|?*')


def _authenticated(actor: Any) -> None:
    if not getattr(actor, "is_authenticated", False):
        raise NotAuthenticated()


def _visible(actor: Any, interest_id: int, side: str | None = None) -> tuple[Interest, str]:
    """The interest and the actor's side of it: 401 for anonymous callers, 404 for anyone who may
    not know it exists, 403 for one who sees it from another side than `side` (the operator
    reads; the parties answer)."""
    _authenticated(actor)
    interest = (
        Interest.objects.select_related("listing__province", "listing__organization", "organization")
        .filter(pk=interest_id)
        .first()
        if 0 < interest_id < 2**31
        else None
    )
    seen = side_of(actor, interest) if interest is not None else None
    if interest is None or seen is None:
        raise NotFound()
    if side is not None and seen != side:
        raise PermissionDenied(
            _("只有信息发布方可以答复合作意向。") if side == OWNER else _("只有意向方可以撤回合作意向。"),
            details={"side": seen},
        )
    return interest, seen


# --- expressing interest ------------------------------------------------------------------------


def _listing_for_interest(actor: Any, listing_id: int) -> Listing:
    listing = (
        Listing.objects.select_for_update(of=("self",))
        .select_related("province", "organization", "created_by")
        .filter(pk=listing_id)
        .first()
    )
    # a listing never put on the market does not exist for outsiders
    if listing is None or (
        listing.status not in PUBLIC_STATUSES
        and listing.published_at is None
        and not can(actor, "listing.view_unpublished", listing)
    ):
        raise NotFound(_("未找到该信息。"))
    return listing


def interest_express(*, actor: Any, listing_id: int, message: str, now: datetime | None = None) -> Interest:
    """The actor's organisation expresses interest in the listing; its owner is told."""
    _authenticated(actor)
    org_id = getattr(actor, "organization_id", None)
    if org_id is None:
        require(actor, "interest.create")  # 403 for those who may not at all
        raise PermissionDenied(_("您的账号未关联单位，不能以单位名义表达合作意向。"), code="no_organization")
    require(actor, "interest.create", Target(organization_id=org_id))
    message = clean_text(message, field="message", max_length=MESSAGE_MAX, required=True)
    now = now or timezone.now()
    if not 0 < listing_id < 2**31:
        raise NotFound(_("未找到该信息。"))
    with write_transaction():
        if Interest.objects.filter(user=actor, created_at__gt=now - INTEREST_WINDOW).count() >= INTEREST_MOST:
            raise RateLimited(
                _("短时间内表达的合作意向过多，请稍后再试。"),
                code="too_many_interests",
                details={"retry_after": int(INTEREST_WINDOW.total_seconds())},
            )
        listing = _listing_for_interest(actor, listing_id)
        if listing.organization_id == org_id:
            raise ValidationFailed(
                _("不能对本单位发布的信息表达合作意向。"),
                code="own_listing",
                details={"listing": [_("不能对本单位发布的信息表达合作意向。")]},
            )
        if listing.status not in OPEN_LISTING:
            raise Conflict(
                _("该信息当前状态为“%(s)s”，不接受合作意向。") % {"s": listing.get_status_display()},
                code="listing_not_open",
                details={"status": listing.status, "allowed": list(OPEN_LISTING)},
            )
        live = Interest.objects.filter(listing=listing, organization_id=org_id, status__in=Interest.ACTIVE).first()
        if live is not None:
            raise _exists(live.pk)
        interest = Interest(listing=listing, organization_id=org_id, user=actor, message=message)
        try:
            with transaction.atomic():
                interest.save()
        except IntegrityError as exc:  # another request of the same organisation got there first
            raise _exists(None) from exc
        audit_record(
            actor=actor,
            action="interest.created",
            instance=interest,
            changes={"status": [None, Interest.Status.OPEN], "listing": [None, listing.pk]},
        )
        if listing.created_by_id is not None and listing.created_by_id != actor.pk:
            notify(
                user=listing.created_by,
                kind="interest_created",
                title=_("收到新的合作意向：%(t)s") % {"t": listing.title[:60]},
                body=f"{interest.organization.name}：{message[:200]}",
                url=interest_url(interest),
            )
    return interest


def _exists(interest_id: int | None) -> Conflict:
    return Conflict(
        _("本单位已对该信息表达过合作意向，请在原洽谈中继续沟通。"),
        code="interest_exists",
        details={"interest_id": interest_id} if interest_id else {},
    )


# --- answers ------------------------------------------------------------------------------------


def _lock_open_listing(interest: Interest, _t: Any) -> None:
    listing = Listing.objects.select_for_update(of=("self",)).filter(pk=interest.listing_id).first()
    if listing is None or listing.status not in OPEN_LISTING:
        status = listing.status if listing else ""
        raise Conflict(
            _("该信息已不在洽谈范围内（%(s)s），不能接受意向。")
            % {"s": listing.get_status_display() if listing else "-"},
            code="listing_not_open",
            details={"status": status, "allowed": list(OPEN_LISTING)},
        )
    interest.listing.status = listing.status


def interest_accept(*, actor: Any, interest_id: int, answer: str = "", now: datetime | None = None) -> Interest:
    """Accept: the listing goes 已发布 → 洽谈中 in the same transaction (already 洽谈中 with another
    party: it stays), the interested organisation sees the contacts, its person is told."""
    _visible(actor, interest_id, OWNER)
    answer = clean_text(answer, field="answer", max_length=ANSWER_MAX)
    now = now or timezone.now()

    def negotiate(interest: Interest, _t: Any) -> None:
        if interest.listing.status == ListingStatus.PUBLISHED:
            # through the listings' service: the listing's search documents follow its status
            interest.listing = listing_run("negotiate", actor=actor, listing_id=interest.listing_id)

    return INTEREST.run(
        "accept", actor=actor, obj_id=interest_id, now=now, prepare=_lock_open_listing, effect=negotiate, answer=answer
    )


def interest_decline(*, actor: Any, interest_id: int, answer: str, now: datetime | None = None) -> Interest:
    _visible(actor, interest_id, OWNER)
    answer = clean_text(answer, field="answer", max_length=ANSWER_MAX, required=True)
    return INTEREST.run("decline", actor=actor, obj_id=interest_id, now=now, answer=answer)


def _reopen_if_last(actor: Any, now: datetime | None) -> Any:
    """After an accepted negotiation ends: the listing is back on the market (已发布) when no other
    accepted interest holds it 洽谈中 — the platform's step, whoever ended it."""

    def effect(interest: Interest, _t: Any) -> None:
        listing = interest.listing
        if listing.status != ListingStatus.NEGOTIATING or interest.accepted_at is None:
            return
        others = Interest.objects.filter(listing_id=listing.pk, status=Interest.Status.ACCEPTED).exists()
        if not others:
            listing_run("reopen", actor=actor, listing_id=listing.pk, system=True)

    return effect


def interest_withdraw(*, actor: Any, interest_id: int, now: datetime | None = None) -> Interest:
    _visible(actor, interest_id, PARTY)
    return INTEREST.run("withdraw", actor=actor, obj_id=interest_id, now=now, effect=_reopen_if_last(actor, now))


def interest_close(*, actor: Any, interest_id: int, now: datetime | None = None) -> Interest:
    _visible(actor, interest_id, OWNER)
    return INTEREST.run("close", actor=actor, obj_id=interest_id, now=now, effect=_reopen_if_last(actor, now))


# --- the thread ---------------------------------------------------------------------------------


@dataclass
class CheckedAttachment:
    name: str  # the name shown and downloaded (Chinese kept)
    ext: str
    content_type: str
    content: Any  # bytes (a re-encoded image) or the uploaded file
    size: int


def _attachment_error(message: str) -> ValidationFailed:
    return ValidationFailed(message, code="invalid_attachment", details={"attachment": [message]})


def attachment_name(raw: str) -> tuple[str, str]:
    """(the display name, its lower-case extension) of an uploaded file's name; a name with
    control or formatting characters (bidi overrides that disguise an extension) is refused."""
    base = os.path.basename(str(raw or "").replace("\\", "/")).strip()
    if CONTROL.search(base) or any(unicodedata.category(c) in {"Cc", "Cf", "Zl", "Zp"} for c in base):
        raise _attachment_error(_("文件名不能包含控制字符。"))
    stem, ext = os.path.splitext(base)
    ext = ext.lower()
    stem = "".join("_" if c in _NAME_UNSAFE else c for c in stem).strip(" .") or _("附件")
    return f"{stem[: ATTACHMENT_NAME_MAX - len(ext)]}{ext}", ext


def _check_ooxml(file: Any, part: str) -> None:
    refused = _attachment_error(_("文件内容与扩展名不符，或文件已损坏。"))
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            infos = archive.infolist()
            if len(infos) > ZIP_MAX_ENTRIES or sum(i.file_size for i in infos) > ZIP_MAX_UNCOMPRESSED:
                raise refused
            names = {i.filename for i in infos}
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise refused from None
    finally:
        file.seek(0)
    if "[Content_Types].xml" not in names or part not in names:
        raise refused
    if any(n.lower().endswith("vbaproject.bin") for n in names):
        raise _attachment_error(_("不接受包含宏的文档。"))


def _reencoded_image(file: Any, image_format: str) -> bytes:
    """Decoded and encoded again, so what is stored is what was decoded (no trailing payload,
    no EXIF with GPS); the pixel count is bounded before decoding."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    refused = _attachment_error(_("文件内容不是有效的图片。"))
    file.seek(0)
    try:
        with Image.open(file, formats=[image_format]) as img:
            width, height = img.size
            if width * height > IMAGE_MAX_PIXELS:
                raise _attachment_error(_("图片像素过多（上限 %(m)d 万像素）。") % {"m": IMAGE_MAX_PIXELS // 10_000})
            img.load()
            clean = ImageOps.exif_transpose(img)
            if image_format == "JPEG":
                clean = clean.convert("RGB") if clean.mode not in {"RGB", "L"} else clean
            elif clean.mode not in {"RGB", "RGBA", "L", "LA", "P"}:
                clean = clean.convert("RGBA")
            out = io.BytesIO()
            clean.save(out, format=image_format, **({"quality": 90} if image_format == "JPEG" else {}))
    except ValidationFailed:
        raise
    except Image.DecompressionBombError:
        raise _attachment_error(_("图片像素过多。")) from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError):
        raise refused from None
    finally:
        file.seek(0)
    return out.getvalue()


def attachment_check(file: Any) -> CheckedAttachment:
    """An uploaded document: PDF, DOCX, XLSX, PNG or JPEG of at most 10 MB whose bytes say so
    (the extension and the browser's content type decide nothing); images are re-encoded."""
    name, ext = attachment_name(getattr(file, "name", "") or "")
    if ext not in ATTACHMENT_TYPES:
        raise _attachment_error(_("附件只能是 PDF、Word（DOCX）、Excel（XLSX）或 PNG/JPG 图片。"))
    content_type, magic, part = ATTACHMENT_TYPES[ext]
    size = int(getattr(file, "size", 0) or 0)
    if size <= 0:
        raise _attachment_error(_("文件为空。"))
    if size > ATTACHMENT_MAX_BYTES:
        raise _attachment_error(_("附件不能超过 %(m)d MB。") % {"m": ATTACHMENT_MAX_BYTES // 1024 // 1024})
    file.seek(0)
    head = file.read(len(magic))
    file.seek(0)
    if head != magic:
        raise _attachment_error(_("文件内容与扩展名不符。"))
    if part:
        _check_ooxml(file, part)
    if ext in {".png", ".jpg", ".jpeg"}:
        data = _reencoded_image(file, "PNG" if ext == ".png" else "JPEG")
        return CheckedAttachment(name=name, ext=ext, content_type=content_type, content=data, size=len(data))
    return CheckedAttachment(name=name, ext=ext, content_type=content_type, content=file, size=size)


def attachment_content_type(name: str) -> str:
    return ATTACHMENT_TYPES.get(os.path.splitext(name)[1].lower(), ("application/octet-stream", b"", ""))[0]


@contextmanager
def _files_removed_on_failure(storage: Storage) -> Iterator[list[str]]:
    """Files stored inside the block are deleted if it fails: a refused write leaves no file."""
    stored: list[str] = []
    try:
        yield stored
    except BaseException:
        for name in stored:
            storage.delete(name)
        raise


def _rate_limit(actor: Any, now: datetime) -> None:
    for window, most in RATE_LIMITS:
        if ThreadMessage.objects.filter(author=actor, created_at__gt=now - window).count() >= most:
            raise RateLimited(
                _("发送过于频繁，请稍后再试。"),
                code="too_many_messages",
                details={"retry_after": int(window.total_seconds())},
            )


def _tell_other_side(interest: Interest, side: str, actor: Any) -> None:
    """One unread notification per thread and reader: a lively thread does not flood the inbox."""
    recipient = interest.user if side == OWNER else interest.listing.created_by
    if recipient is None or recipient.pk == actor.pk:
        return
    url = interest_url(interest)
    if Notification.objects.filter(user=recipient, kind="thread_message", url=url, read_at__isnull=True).exists():
        return
    notify(
        user=recipient,
        kind="thread_message",
        title=_("洽谈有新消息：%(t)s") % {"t": interest.listing.title[:60]},
        url=url,
    )


def thread_post(
    *, actor: Any, interest_id: int, body: str = "", attachment: Any = None, now: datetime | None = None
) -> ThreadMessage:
    """A message (text, a document, or both) from one of the two parties into the thread."""
    _interest, side = _visible(actor, interest_id)
    if side not in (PARTY, OWNER):
        raise PermissionDenied(_("只有洽谈双方可以发送消息。"), code="read_only")
    body = clean_text(body, field="body", max_length=BODY_MAX)
    checked = attachment_check(attachment) if attachment is not None else None
    if not body and checked is None:
        raise ValidationFailed(
            _("请输入消息内容或选择附件。"),
            code="empty_message",
            details={"body": [_("请输入消息内容或选择附件。")]},
        )
    now = now or timezone.now()
    storage = ThreadMessage._meta.get_field("attachment").storage
    with _files_removed_on_failure(storage) as stored, write_transaction():
        interest = INTEREST.load_for_update(interest_id)
        if interest.status not in Interest.ACTIVE:
            raise Conflict(
                _("该洽谈已结束（%(s)s），不能再发送消息。") % {"s": interest.get_status_display()},
                code="thread_closed",
                details={"status": interest.status},
            )
        _rate_limit(actor, now)
        message = ThreadMessage(
            interest=interest, author=actor, author_organization_id=actor.organization_id, body=body
        )
        if checked is not None:
            content = ContentFile(checked.content) if isinstance(checked.content, bytes) else File(checked.content)
            message.attachment.save(f"{uuid.uuid4().hex}{checked.ext}", content, save=False)
            stored.append(message.attachment.name or "")
            message.attachment_name = checked.name
            message.attachment_size = checked.size
        message.save()
        read_mark = "party_read_at" if side == PARTY else "owner_read_at"
        Interest.objects.filter(pk=interest.pk).update(last_message_at=now, **{read_mark: now})
        audit_record(
            actor=actor,
            action="thread.message_posted",
            instance=interest,
            # ids and sizes only: the thread's text is the parties' own, not the audit trail's
            changes={"message": [None, message.pk], **({"attachment_size": [None, checked.size]} if checked else {})},
        )
        _tell_other_side(interest, side, actor)
    return message


def thread_mark_read(*, actor: Any, interest_id: int, now: datetime | None = None) -> bool:
    """The actor's side has read the thread up to now (nothing written when nothing is unread).
    The operator leaves no mark."""
    interest, side = _visible(actor, interest_id)
    if side not in (PARTY, OWNER):
        return False
    field, mark = (
        ("party_read_at", interest.party_read_at) if side == PARTY else ("owner_read_at", interest.owner_read_at)
    )
    own = interest.organization_id if side == PARTY else interest.listing.organization_id
    unread = ThreadMessage.objects.filter(interest_id=interest.pk).exclude(author_organization_id=own)
    if mark is not None:
        unread = unread.filter(created_at__gt=mark)
    if not unread.exists():
        return False
    with write_transaction():
        Interest.objects.filter(pk=interest_id).update(**{field: now or timezone.now()})
    return True
