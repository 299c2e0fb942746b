"""An application's attachments (申报书、承诺书、预算说明…): PDF, DOCX, XLSX, PNG or JPEG of at most
10 MB whose bytes say what they are (the extension and the browser's content type decide
nothing; OOXML packages must hold their main part and no macros; images are decoded and encoded
again). Added and removed only while the application may be edited (draft, returned).
422 invalid_attachment / too_many_attachments; 409 application_locked.
"""

import hashlib
import io
import os
import unicodedata
import zipfile
from typing import Any

from django.utils.translation import gettext as _

from nesta.core.audit import audit_record
from nesta.core.errors import Conflict, NotFound, ValidationFailed
from nesta.core.permissions import require
from nesta.core.transactions import write_transaction
from nesta.core.validators import CONTROL
from nesta.programmes.lifecycles.application import APPLICATION
from nesta.programmes.models import ApplicationAttachment
from nesta.programmes.services.applications import EDITABLE, application_id

MAX_BYTES = 10 * 1024 * 1024
MAX_PER_APPLICATION = 20
NAME_MAX = 120
IMAGE_MAX_PIXELS = 40_000_000
ZIP_MAX_ENTRIES = 5000
ZIP_MAX_UNCOMPRESSED = 200 * 1024 * 1024
KINDS = {
    "proposal": "申报书",
    "commitment": "承诺书",
    "budget": "预算说明",
    "qualification": "资质证明",
    "other": "其他",
}
_ZIP = b"PK\x03\x04"
TYPES: dict[str, tuple[str, bytes, str]] = {
    ".pdf": ("application/pdf", b"%PDF-", ""),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", _ZIP, "word/document.xml"),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", _ZIP, "xl/workbook.xml"),
    ".png": ("image/png", b"\x89PNG\r\n\x1a\n", ""),
    ".jpg": ("image/jpeg", b"\xff\xd8\xff", ""),
    ".jpeg": ("image/jpeg", b"\xff\xd8\xff", ""),
}
_UNSAFE = set('<>:"/\\|?*')


def _error(message: str, code: str = "invalid_attachment") -> ValidationFailed:
    return ValidationFailed(message, code=code, details={"attachment": [message]})


def _name(raw: Any) -> tuple[str, str]:
    base = os.path.basename(str(raw or "").replace("\\", "/")).strip()
    if CONTROL.search(base) or any(unicodedata.category(c) in {"Cc", "Cf", "Zl", "Zp"} for c in base):
        raise _error(_("文件名不能包含控制字符。"))
    stem, ext = os.path.splitext(base)
    ext = ext.lower()
    stem = "".join("_" if c in _UNSAFE else c for c in stem).strip(" .") or _("附件")
    return f"{stem[: NAME_MAX - len(ext)]}{ext}", ext


def _ooxml(data: bytes, part: str) -> None:
    refused = _error(_("文件内容与扩展名不符，或文件已损坏。"))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            if len(infos) > ZIP_MAX_ENTRIES or sum(i.file_size for i in infos) > ZIP_MAX_UNCOMPRESSED:
                raise refused
            names = {i.filename for i in infos}
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise refused from None
    if "[Content_Types].xml" not in names or part not in names:
        raise refused
    if any(n.lower().endswith("vbaproject.bin") for n in names):
        raise _error(_("不接受包含宏的文档。"))


def _image(data: bytes, image_format: str) -> bytes:
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data), formats=[image_format]) as img:
            width, height = img.size
            if width * height > IMAGE_MAX_PIXELS:
                raise _error(_("图片像素过多。"))
            img.load()
            clean = ImageOps.exif_transpose(img)
            if image_format == "JPEG" and clean.mode not in {"RGB", "L"}:
                clean = clean.convert("RGB")
            elif image_format == "PNG" and clean.mode not in {"RGB", "RGBA", "L", "LA", "P"}:
                clean = clean.convert("RGBA")
            out = io.BytesIO()
            clean.save(out, format=image_format)
    except ValidationFailed:
        raise
    except Image.DecompressionBombError:
        raise _error(_("图片像素过多。")) from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError):
        raise _error(_("文件内容不是有效的图片。")) from None
    return out.getvalue()


def check_file(name: Any, data: bytes) -> tuple[str, str, bytes]:
    """(clean name, content type, bytes to store) of an upload, or 422 invalid_attachment."""
    clean_name, ext = _name(name)
    if ext not in TYPES:
        raise _error(_("附件只能是 PDF、Word（DOCX）、Excel（XLSX）或 PNG/JPG 图片。"))
    content_type, magic, part = TYPES[ext]
    if not data:
        raise _error(_("文件为空。"))
    if len(data) > MAX_BYTES:
        raise _error(_("附件不能超过 %(m)d MB。") % {"m": MAX_BYTES // 1024 // 1024}, "file_too_large")
    if not data.startswith(magic):
        raise _error(_("文件内容与扩展名不符。"))
    if part:
        _ooxml(data, part)
    if ext in {".png", ".jpg", ".jpeg"}:
        data = _image(data, "PNG" if ext == ".png" else "JPEG")
    return clean_name, content_type, data


def read_upload(file: Any) -> bytes:
    """At most MAX_BYTES + 1 of an uploaded file (so a huge one is refused without reading it all)."""
    size = getattr(file, "size", None)
    if isinstance(size, int) and size > MAX_BYTES:
        raise _error(_("附件不能超过 %(m)d MB。") % {"m": MAX_BYTES // 1024 // 1024}, "file_too_large")
    return file.read(MAX_BYTES + 1)


def _editable(actor: Any, app_id: Any) -> Any:
    app = APPLICATION.load_for_update(application_id(app_id))
    require(actor, "application.change", app)
    if app.status not in EDITABLE:
        raise Conflict(
            _("申请当前状态为“%(s)s”，不能修改附件。") % {"s": app.get_status_display()},
            code="application_locked",
            details={"status": app.status},
        )
    return app


def attachment_add(
    *, actor: Any, application_id_: int, name: Any, data: bytes, kind: str = "other"
) -> ApplicationAttachment:
    if kind not in KINDS:
        raise _error(_("未知的附件类型。"))
    with write_transaction():
        app = _editable(actor, application_id_)
        clean_name, content_type, stored = check_file(name, data)
        if app.attachments.count() >= MAX_PER_APPLICATION:
            raise _error(_("每项申请最多 %(n)d 个附件。") % {"n": MAX_PER_APPLICATION}, "too_many_attachments")
        att = ApplicationAttachment.objects.create(
            application=app, kind=kind, name=clean_name, content_type=content_type, size=len(stored), data=stored,
            sha256=hashlib.sha256(stored).hexdigest(), uploaded_by=actor,
        )  # fmt: skip
        audit_record(actor=actor, action="application.attachment_added", instance=app,
                     changes={"attachment": [None, f"{KINDS[kind]}：{clean_name}（{len(stored)} 字节）"]})  # fmt: skip
    return att


def attachment_remove(*, actor: Any, application_id_: int, attachment_id: int) -> None:
    with write_transaction():
        app = _editable(actor, application_id_)
        att = (
            app.attachments.filter(pk=attachment_id).first()
            if isinstance(attachment_id, int) and 0 < attachment_id < 2**31
            else None
        )
        if att is None:
            raise NotFound(_("未找到该附件。"))
        label = f"{KINDS.get(att.kind, att.kind)}：{att.name}"
        att.delete()
        audit_record(
            actor=actor, action="application.attachment_removed", instance=app, changes={"attachment": [label, None]}
        )
