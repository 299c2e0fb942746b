"""A policy document's file (the issued text as published): PDF, Word (DOC, DOCX), OFD (the
national standard for electronic official documents, GB/T 33190) or plain text, at most 20 MB,
whose bytes say what they are — the extension names the type claimed, the content decides. OOXML
and OFD packages must hold their main part (and no macros); text must decode as UTF-8 or GB18030
without control characters. 422 invalid_file / file_too_large, details {"file": [...]}."""

import io
import os
import unicodedata
import zipfile
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from nesta.core.errors import ValidationFailed
from nesta.core.validators import CONTROL
from nesta.zones.selectors.policy import CONTENT_TYPES

MAX_BYTES = 20 * 1024 * 1024
NAME_MAX = 120  # the Chinese title of a 国发 document fits; file_name's column holds 200
ZIP_MAX_ENTRIES = 5000
ZIP_MAX_UNCOMPRESSED = 400 * 1024 * 1024
_ZIP = b"PK\x03\x04"
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the compound file of Word 97–2003


@dataclass(frozen=True)
class FileType:
    magic: bytes
    part: str = ""  # the package's main part (zip-based types)


TYPES: dict[str, FileType] = {
    ".pdf": FileType(b"%PDF-"),
    ".doc": FileType(_OLE2),
    ".docx": FileType(_ZIP, "word/document.xml"),
    ".ofd": FileType(_ZIP, "OFD.xml"),
    ".txt": FileType(b""),
}
ALLOWED = "PDF、Word（DOC/DOCX）、OFD、TXT"
_UNSAFE = set('<>:"/\\|?*')


def _error(message: str, code: str = "invalid_file") -> ValidationFailed:
    return ValidationFailed(message, code=code, details={"file": [message]})


def clean_file_name(raw: Any) -> tuple[str, str]:
    """(the name shown and downloaded, its lower-case extension): the base name only, no control
    or format characters, no characters a file system refuses, at most NAME_MAX characters."""
    base = os.path.basename(str(raw or "").replace("\\", "/")).strip()
    if CONTROL.search(base) or any(unicodedata.category(c) in {"Cc", "Cf", "Zl", "Zp"} for c in base):
        raise _error(_("文件名不能包含控制字符。"))
    stem, ext = os.path.splitext(base)
    ext = ext.lower()
    stem = "".join("_" if c in _UNSAFE else c for c in stem).strip(" .") or _("政策文件")
    return f"{stem[: NAME_MAX - len(ext)]}{ext}", ext


def _package(data: bytes, part: str) -> None:
    refused = _error(_("文件内容与扩展名不符，或文件已损坏。"))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            if len(infos) > ZIP_MAX_ENTRIES or sum(i.file_size for i in infos) > ZIP_MAX_UNCOMPRESSED:
                raise refused
            names = {i.filename for i in infos}
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise refused from None
    if part not in names or (part.startswith("word/") and "[Content_Types].xml" not in names):
        raise refused
    if any(n.lower().endswith("vbaproject.bin") for n in names):
        raise _error(_("不接受包含宏的文档。"))


def _text(data: bytes) -> bytes:
    """Plain text stored as UTF-8 (a GB18030 file — common on government desktops — converted)."""
    body = data.removeprefix(b"\xef\xbb\xbf")
    for encoding in ("utf-8", "gb18030"):
        try:
            text = body.decode(encoding)
        except UnicodeDecodeError:
            continue
        if CONTROL.search(text) or "\x7f" in text:
            raise _error(_("文本文件不能包含控制字符。"))
        return text.encode("utf-8")
    raise _error(_("文本文件应为 UTF-8 或 GB18030 编码。"))


def policy_file_check(name: Any, data: bytes) -> tuple[str, str, bytes]:
    """(clean name, content type, the bytes to store) of an upload, or ValidationFailed."""
    clean_name, ext = clean_file_name(name)
    kind = TYPES.get(ext)
    if kind is None:
        raise _error(_("附件只能是 %(a)s 文件。") % {"a": ALLOWED})
    if not data:
        raise _error(_("文件为空。"))
    if len(data) > MAX_BYTES:
        raise _error(_("附件不能超过 %(m)d MB。") % {"m": MAX_BYTES // 1024 // 1024}, "file_too_large")
    if not data.startswith(kind.magic):
        raise _error(_("文件内容与扩展名不符。"))
    if kind.part:
        _package(data, kind.part)
    if ext == ".txt":
        if data.startswith((b"%PDF", _ZIP, _OLE2)) or b"\x00" in data[:8192]:
            raise _error(_("文件内容与扩展名不符。"))
        data = _text(data)
    return clean_name, CONTENT_TYPES[ext], data


def read_upload(file: Any) -> bytes:
    """At most MAX_BYTES + 1 bytes of an uploaded file (a huge one is refused without reading it all)."""
    size = getattr(file, "size", None)
    if isinstance(size, int) and size > MAX_BYTES:
        raise _error(_("附件不能超过 %(m)d MB。") % {"m": MAX_BYTES // 1024 // 1024}, "file_too_large")
    if hasattr(file, "seek"):
        file.seek(0)
    data = file.read(MAX_BYTES + 1)
    return data if isinstance(data, bytes) else bytes(data)
