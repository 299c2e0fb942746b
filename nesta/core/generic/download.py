"""The one way a web view hands out a file (XLSX, ICS, a testing report): `file_download`.

Content-Disposition per RFC 6266 with the RFC 5987 extended parameter, so Chinese names survive
in every browser: `attachment; filename="ascii-fallback.xlsx"; filename*=UTF-8''%E6%9C%BA…`. The
plain `filename` is an ASCII fallback (what is left of the name in ASCII, else "download" + the
extension) for the few clients that ignore `filename*`."""

import mimetypes
import re
import unicodedata
from collections.abc import Iterable
from typing import IO, Any
from urllib.parse import quote

from django.http import FileResponse, HttpResponse, StreamingHttpResponse

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def ascii_fallback(filename: str) -> str:
    """'机构名录-2026.xlsx' → '2026.xlsx'; '仪器清单.xlsx' → 'download.xlsx'."""
    stem, dot, ext = filename.rpartition(".")
    if not dot:
        stem, ext = filename, ""
    ext = _UNSAFE.sub("", ext)
    plain = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    plain = _UNSAFE.sub("-", plain).strip("-._") or "download"
    return f"{plain}.{ext}" if ext else plain


def content_disposition(filename: str, *, inline: bool = False, fallback: str | None = None) -> str:
    """The header's value; `fallback` names the ASCII file name (else derived from `filename`)."""
    filename = "".join(c for c in filename if c.isprintable()) or "download"
    fallback = ascii_fallback(fallback or filename)
    kind = "inline" if inline else "attachment"
    if fallback == filename:
        return f'{kind}; filename="{fallback}"'
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def file_download(
    content: bytes | str | IO[bytes] | Iterable[bytes],
    *,
    filename: str,
    content_type: str | None = None,
    fallback: str | None = None,
    inline: bool = False,
    private: bool = False,
) -> HttpResponse | StreamingHttpResponse:
    """The response that downloads `content` as `filename`: bytes/str as one body, an open file
    streamed (and closed when sent). Without `content_type`, the file name's. `private`: the file holds one user's data — no caching."""
    content_type = content_type or mimetypes.guess_type(filename)[0] or "application/octet-stream"
    response: Any
    if isinstance(content, bytes | str):
        response = HttpResponse(content, content_type=content_type)
    elif hasattr(content, "read"):
        response = FileResponse(content, content_type=content_type)
    else:
        response = StreamingHttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition(filename, inline=inline, fallback=fallback)
    if private:
        response["Cache-Control"] = "private, no-store"
    return response
