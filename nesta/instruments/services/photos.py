"""Instrument photos: what an upload must be (a JPEG or PNG whose bytes say so, at most 5 MB
and 40 MP), the re-encoding that makes what is stored what was decoded, and storing the file so
that a failed write leaves none behind."""

import io
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import SuspiciousFileOperation
from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from django.db import transaction
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from nesta.core.errors import ValidationFailed
from nesta.instruments.models import Instrument

PHOTO_MAX_BYTES = 5 * 1024 * 1024
PHOTO_MAX_PIXELS = 40_000_000  # 40 MP: a large camera's photo; a bomb declares billions
# Extension → (content type, the file's first bytes). The bytes decide, not the name or the
# content type the browser sent: a renamed .exe is no photo.
_JPEG = ({"image/jpeg", "image/pjpeg", "image/jpg"}, b"\xff\xd8\xff")
_PNG = ({"image/png", "image/x-png"}, b"\x89PNG\r\n\x1a\n")
PHOTO_FORMATS = {".jpg": _JPEG, ".jpeg": _JPEG, ".png": _PNG}


def photo_check(file: Any) -> str:
    """The stored name of an uploaded photo (a JPEG or PNG of at most 5 MB); ValidationFailed
    with `{"photo": [...]}` otherwise. The web form calls it too, so both say the same."""
    raw_stem, ext = os.path.splitext(os.path.basename(str(getattr(file, "name", "") or "").replace("\\", "/")))
    ext = ext.lower()
    try:
        stem = get_valid_filename(raw_stem)
    except SuspiciousFileOperation:
        stem = ""
    size = getattr(file, "size", None) or 0
    if ext not in PHOTO_FORMATS:
        raise ValidationFailed(details={"photo": [_("照片只能是 JPG 或 PNG 图片。")]})
    content_types, magic = PHOTO_FORMATS[ext]
    sent_type = (getattr(file, "content_type", "") or "").split(";")[0].strip().lower()
    if sent_type and sent_type not in content_types:
        raise ValidationFailed(details={"photo": [_("照片只能是 JPG 或 PNG 图片。")]})
    if size <= 0:
        raise ValidationFailed(details={"photo": [_("文件为空。")]})
    if size > PHOTO_MAX_BYTES:
        raise ValidationFailed(
            details={"photo": [_("照片不能超过 %(m)d MB。") % {"m": PHOTO_MAX_BYTES // 1024 // 1024}]}
        )
    file.seek(0)
    head = file.read(len(magic))
    file.seek(0)
    if head != magic:
        raise ValidationFailed(details={"photo": [_("文件内容不是 JPG 或 PNG 图片。")]})
    photo_reencoded(file, "PNG" if ext == ".png" else "JPEG")  # decodes: refuses what is no image
    return f"{stem[:60] or 'photo'}{'.jpg' if ext == '.jpeg' else ext}"


def photo_reencoded(file: Any, image_format: str) -> bytes:
    """The photo decoded and encoded again, so what is stored is what was decoded: bytes after
    the image (a PNG header followed by an executable), EXIF (GPS, camera serials) and other
    metadata are gone. The pixel count is bounded before decoding (decompression bombs)."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    refused = ValidationFailed(details={"photo": [_("文件内容不是 JPG 或 PNG 图片。")]})
    too_large = ValidationFailed(
        details={"photo": [_("照片像素过多（上限 %(m)d 万像素）。") % {"m": PHOTO_MAX_PIXELS // 10_000}]}
    )
    file.seek(0)
    try:
        with Image.open(file, formats=[image_format]) as img:
            width, height = img.size
            if width * height > PHOTO_MAX_PIXELS:
                raise too_large
            img.load()
            clean = ImageOps.exif_transpose(img)  # keep the orientation EXIF described, drop EXIF
            if image_format == "JPEG":
                clean = clean.convert("RGB") if clean.mode not in {"RGB", "L"} else clean
            elif clean.mode not in {"RGB", "RGBA", "L", "LA", "P"}:
                clean = clean.convert("RGBA")
            out = io.BytesIO()
            clean.save(out, format=image_format, **({"quality": 90} if image_format == "JPEG" else {}))
    except ValidationFailed:
        raise
    except Image.DecompressionBombError:  # Pillow's own bound, met while reading the header
        raise too_large from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError):
        raise refused from None
    finally:
        file.seek(0)
    return out.getvalue()


@contextmanager
def files_removed_on_failure(storage: Storage) -> Iterator[list[str]]:
    """Files stored inside the block are deleted again if the block fails, so that a rolled-back
    write leaves no file behind. Wrap it around the transaction, so a failed commit counts too."""
    stored: list[str] = []
    try:
        yield stored
    except BaseException:
        for name in stored:
            storage.delete(name)
        raise


def put_photo(instrument: Instrument, file: Any, name: str, stored: list[str]) -> None:
    """Store the photo and point the instrument at it; the old file goes once the change commits."""
    old = instrument.photo.name or ""
    content = ContentFile(photo_reencoded(file, "PNG" if name.endswith(".png") else "JPEG"))
    instrument.photo.save(f"{instrument.pk}-{name}", content, save=False)
    stored.append(instrument.photo.name or "")
    Instrument.objects.filter(pk=instrument.pk).update(photo=instrument.photo.name, updated_at=timezone.now())
    if old and old != instrument.photo.name:
        storage = instrument.photo.storage
        transaction.on_commit(lambda: storage.delete(old))


def photo_storage() -> Storage:
    photo_field: Any = Instrument._meta.get_field("photo")
    return photo_field.storage
