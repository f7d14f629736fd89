"""Files people upload (issue 16): photos of incidents and observations, and documents attached
to agreements, action plans, meetings, lägesbilder and decisions.

- **Checked by content, never by name**: ``check_upload`` reads the file's first bytes
  (``filetype``'s signatures; an office file is a zip or OLE container looked into) and
  refuses what is not one of the kinds allowed, whatever its name or the browser's claimed
  type says. The stored name is made here (a random one with the detected type's extension);
  the person's file name is kept as text only, for the download.
- **Photos lose every metadata field**: ``clean_photo`` decodes the image (refusing a broken
  or enormous one), turns it upright by its EXIF orientation, reads the position from EXIF when
  there is one, and encodes a fresh JPEG from the pixels alone: no EXIF, no GPS, no camera, no
  ICC profile, no comment survives. The device already resizes before sending (the offline
  form); the server makes sure for any client.
- **Stored through Django's storage API** (``STORAGES["default"]``: local files under
  ``MEDIA_ROOT`` by default, any S3-compatible store with ``S3_BUCKET`` set, see settings) and
  **served only through views that check access first** (``file_response``): ``MEDIA_URL`` is
  never routed, a stored file has no public address.
"""

import io
import uuid
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation, ValidationError
from django.core.files.base import ContentFile
from django.http import FileResponse, Http404
from django.utils.text import get_valid_filename
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

PHOTO_TYPES = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}
DOCUMENT_TYPES = {
    "application/pdf": "pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "pptx",
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
    "application/vnd.oasis.opendocument.presentation": "odp",
    "application/msword": "doc",
    "application/vnd.ms-excel": "xls",
    "application/vnd.ms-powerpoint": "ppt",
}
# A photo stored is at most this many pixels on its longer side, encoded at this quality.
PHOTO_MAX_SIDE = 2048
PHOTO_QUALITY = 85
# Decoding refuses images larger than this (a "decompression bomb": a small file that unpacks
# into gigabytes of pixels).
PHOTO_MAX_PIXELS = 50_000_000
# How much of a file is read to recognise it: the zip directory of an office file is at its end,
# so filetype is given the whole file up to this size (a larger one is refused before).
SNIFF_LIMIT = 64 * 1024 * 1024


def max_photo_bytes():
    return settings.UPLOAD_MAX_PHOTO_BYTES


def max_document_bytes():
    return settings.UPLOAD_MAX_DOCUMENT_BYTES


def _megabytes(size):
    return f"{size / (1024 * 1024):.0f}"


@dataclass(frozen=True)
class Checked:
    """An upload that passed: its detected type and extension, size and the person's name."""

    content_type: str
    extension: str
    size: int
    original_name: str


def _read(uploaded):
    uploaded.seek(0)
    data = uploaded.read()
    uploaded.seek(0)
    return data


def check_upload(uploaded, allowed, max_bytes):
    """``uploaded`` (an ``UploadedFile``) if its content is one of ``allowed`` (a type ->
    extension map) and it is at most ``max_bytes``; else ``ValidationError`` with a message for
    the person. Reads the content; the name and the claimed type are not trusted."""
    size = uploaded.size or 0
    if size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    if size > max_bytes:
        raise ValidationError(
            _("The file is %(size)s MB: at most %(limit)s MB is accepted."),
            code="too_large",
            params={"size": _megabytes(size), "limit": _megabytes(max_bytes)},
        )
    kind = filetype.guess(_read(uploaded)[:SNIFF_LIMIT])
    if kind is None or kind.mime not in allowed:
        names = ", ".join(sorted({ext.upper() for ext in allowed.values()}))
        raise ValidationError(
            _("This file is not one of the kinds accepted here (%(kinds)s), whatever its name."),
            code="wrong_type",
            params={"kinds": names},
        )
    return Checked(kind.mime, allowed[kind.mime], size, safe_name(uploaded.name))


def safe_name(name):
    """The person's file name as text that is safe to keep and to send back in a download's
    ``Content-Disposition``: no path, no control characters, at most 200 characters (the
    extension kept); "file" when nothing is left (``..``, only punctuation)."""
    name = (name or "").replace("\x00", "").replace("\\", "/").rsplit("/", 1)[-1]
    try:
        name = get_valid_filename(name)
    except SuspiciousFileOperation:
        name = ""
    if len(name) > 200:
        stem, dot, extension = name.rpartition(".")
        name = (
            stem[: 199 - len(extension)] + dot + extension
            if dot and len(extension) < 10
            else name[:200]
        )
    return name or "file"


def stored_name(prefix, extension):
    """A new random name for a stored file: ``<prefix>/<uuid>.<extension>`` (nothing of the
    person's file name, which may hold a personal identity number)."""
    return f"{prefix}/{uuid.uuid4().hex}.{extension}"


@dataclass(frozen=True)
class CleanPhoto:
    content: ContentFile
    width: int
    height: int
    # The position the photo's EXIF names (WGS 84), or None.
    latitude: float | None
    longitude: float | None


def _rational(value):
    try:
        return float(value)
    except (TypeError, ValueError, ZeroDivisionError):
        return None


def _degrees(parts, ref):
    if not parts or len(parts) != 3:
        return None
    d, m, s = (_rational(p) for p in parts)
    if None in (d, m, s):
        return None
    value = d + m / 60 + s / 3600
    return -value if ref in ("S", "W", b"S", b"W") else value


def exif_position(image):
    """(latitude, longitude) from the image's EXIF GPS block, or (None, None)."""
    try:
        gps = image.getexif().get_ifd(0x8825)  # GPSInfo
    except Exception:  # any broken EXIF block: no position
        return None, None
    latitude = _degrees(gps.get(2), gps.get(1))
    longitude = _degrees(gps.get(4), gps.get(3))
    if latitude is None or longitude is None:
        return None, None
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        return None, None
    return round(latitude, 6), round(longitude, 6)


def clean_photo(uploaded):
    """A checked photo decoded and encoded again from its pixels only (``CleanPhoto``), upright
    and at most ``PHOTO_MAX_SIDE`` pixels; ``ValidationError`` for what is not a readable
    image."""
    check_upload(uploaded, PHOTO_TYPES, max_photo_bytes())
    Image.MAX_IMAGE_PIXELS = PHOTO_MAX_PIXELS
    try:
        with Image.open(io.BytesIO(_read(uploaded))) as image:
            image.load()
            latitude, longitude = exif_position(image)
            upright = ImageOps.exif_transpose(image)
            upright = upright.convert("RGB")
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        raise ValidationError(
            _("The photo cannot be read: it is damaged or too large."), code="bad_image"
        ) from None
    upright.thumbnail((PHOTO_MAX_SIDE, PHOTO_MAX_SIDE))
    # Only the pixels go into the new file: no exif=, no icc_profile=, no comment.
    clean = Image.new("RGB", upright.size)
    clean.paste(upright)
    out = io.BytesIO()
    clean.save(out, format="JPEG", quality=PHOTO_QUALITY, optimize=True)
    return CleanPhoto(ContentFile(out.getvalue()), clean.width, clean.height, latitude, longitude)


def stored_file_response(stored, **kwargs):
    """``file_response`` of a ``StoredFile`` row, or 404 when the store no longer has its file
    (removed with its row in a transaction that committed meanwhile): never a 500 halfway
    through a download. For the web views and the API alike."""
    if not stored.file or not stored.file.storage.exists(stored.file.name):
        raise Http404
    return file_response(stored.file, **kwargs)


def file_response(fieldfile, *, filename, content_type, inline=False):
    """Send a stored file to someone whose access the view has checked: never cached by a
    shared cache, never sniffed into another type, never run as a page."""
    response = FileResponse(
        fieldfile.open("rb"),
        content_type=content_type,
        as_attachment=not inline,
        filename=filename,
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
