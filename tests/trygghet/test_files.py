"""Uploads checked by content and photos stripped of every metadata field (trygghet/files.py,
issue 16)."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from PIL import Image

from trygghet import files

LIMITS = {"UPLOAD_MAX_PHOTO_BYTES": 5 * 1024 * 1024, "UPLOAD_MAX_DOCUMENT_BYTES": 1024 * 1024}


def jpeg_with_gps(latitude=(55, 38, 15.7), longitude=(13, 4, 33.1), size=(3000, 2000)):
    """A JPEG as a phone makes one: EXIF with a camera, a time, a GPS position (Arlöv)."""
    image = Image.new("RGB", size, (200, 120, 40))
    exif = Image.Exif()
    exif[0x010F] = "Kamerafabriken"  # Make
    exif[0x0110] = "Modell 7"  # Model
    exif[0x0132] = "2026:11:30 22:14:00"  # DateTime
    exif[0x0112] = 6  # Orientation: rotated 90° clockwise
    gps = exif.get_ifd(0x8825)
    gps.update({1: "N", 2: latitude, 3: "E", 4: longitude})
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif, comment=b"190101-1234")
    return out.getvalue()


def upload(data, name="bild.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


@override_settings(**LIMITS)
def test_a_photo_keeps_its_pixels_and_position_and_loses_every_metadata_field():
    photo = files.clean_photo(upload(jpeg_with_gps()))
    assert (photo.latitude, photo.longitude) == (
        round(55 + 38 / 60 + 15.7 / 3600, 6),
        round(13 + 4 / 60 + 33.1 / 3600, 6),
    )
    stored = photo.content.read()
    with Image.open(io.BytesIO(stored)) as image:
        assert image.format == "JPEG"
        # Turned upright by its orientation, then fitted within 2048 pixels.
        assert image.size == (1365, 2048)
        assert not image.getexif()
        assert "exif" not in image.info and "icc_profile" not in image.info
        assert "comment" not in image.info
    for text in (b"Kamerafabriken", b"Modell", b"2026:11:30", b"190101-1234", b"Exif"):
        assert text not in stored


@override_settings(**LIMITS)
def test_a_photo_without_exif_has_no_position():
    out = io.BytesIO()
    Image.new("RGB", (10, 10)).save(out, format="PNG")
    photo = files.clean_photo(upload(out.getvalue(), "a.png", "image/png"))
    assert (photo.latitude, photo.longitude) == (None, None)


@override_settings(**LIMITS)
@pytest.mark.parametrize(
    ("data", "name", "code"),
    [
        (b"", "tom.jpg", "empty"),
        (b"%PDF-1.7\n" + b"0" * 100, "bild.jpg", "wrong_type"),  # a PDF called .jpg
        (b"MZ\x90\x00" + b"\x00" * 100, "bild.jpg", "wrong_type"),  # a program
        (b"\xff\xd8\xff\xe0" + b"\x00" * 100, "trasig.jpg", "bad_image"),  # a broken JPEG
        (b"GIF89a" + b"\x00" * 100, "bild.gif", "wrong_type"),
        (b"\xff\xd8\xff" + b"\x00" * (6 * 1024 * 1024), "stor.jpg", "too_large"),
    ],
)
def test_what_is_not_a_readable_photo_is_refused_with_a_message(data, name, code):
    with pytest.raises(ValidationError) as refused:
        files.clean_photo(upload(data, name))
    assert refused.value.code == code
    assert str(refused.value.messages[0])


def docx():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


@override_settings(**LIMITS)
@pytest.mark.parametrize(
    ("data", "name", "expected"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + b"0" * 100, "beslut.pdf", "pdf"),
        (b"%PDF-1.4\n" + b"0" * 100, "beslut.docx", "pdf"),  # the content decides
    ],
)
def test_a_document_is_known_by_its_content(data, name, expected):
    checked = files.check_upload(upload(data, name), files.DOCUMENT_TYPES, 1024 * 1024)
    assert checked.extension == expected


def test_a_word_file_is_a_document_and_a_zip_of_something_else_is_not():
    checked = files.check_upload(upload(docx(), "avtal.docx"), files.DOCUMENT_TYPES, 1024 * 1024)
    assert checked.extension == "docx"
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("program.exe", "MZ")
    with pytest.raises(ValidationError):
        files.check_upload(upload(out.getvalue(), "avtal.docx"), files.DOCUMENT_TYPES, 1024 * 1024)


def test_a_stored_name_keeps_nothing_of_the_persons_file_name():
    name = files.stored_name("photos/incidents", "jpg")
    assert name.startswith("photos/incidents/") and name.endswith(".jpg")
    assert len(name.rsplit("/", 1)[1]) == 32 + 4
