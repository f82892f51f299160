"""Component files: type detected from the content (not the name), size and count limits, SHA-256.

A file whose content is not what its extension says (a renamed executable, a PNG named .pdf) is
refused: the extension decides how officials' machines open it. SHA-256 is stored for every file
(GEN-02).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import filetype
from django.utils.translation import gettext as _

from motcua.core.errors import FieldError

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_FILES = 50
# Extension -> what `filetype` must detect in the content.
ACCEPTED: dict[str, str] = {
    "pdf": "pdf",
    "jpg": "jpg",
    "jpeg": "jpg",
    "png": "png",
    "tif": "tif",
    "tiff": "tif",
    "doc": "doc",
    "docx": "docx",
    "xls": "xls",
    "xlsx": "xlsx",
    "odt": "odt",
    "ods": "ods",
}


@dataclass(frozen=True)
class Upload:
    """One component as sent: the bytes, the applicant's file name, and what it is."""

    filename: str
    content: bytes
    name: str = ""
    document_code: str = ""
    originals: int = 0
    copies: int = 0


@dataclass(frozen=True)
class CheckedFile:
    upload: Upload
    sha256: str
    size: int
    content_type: str


def extension_of(filename: str) -> str:
    return filename.rsplit(".", 1)[-1].lower() if "." in filename else ""


def check_upload(upload: Upload, index: int, prefix: str = "components") -> tuple[CheckedFile | None, list[FieldError]]:
    """The checked file, or the reasons it is refused (field `<prefix>.<index>.file`)."""
    field = f"{prefix}.{index}.file"
    size = len(upload.content)
    if size == 0:
        return None, [FieldError(field, "empty_file", _("Tệp “%(name)s” rỗng.") % {"name": upload.filename})]
    if size > MAX_FILE_BYTES:
        message = _("Tệp “%(name)s” lớn hơn %(limit)s MB.") % {
            "name": upload.filename,
            "limit": MAX_FILE_BYTES // (1024 * 1024),
        }
        return None, [FieldError(field, "file_too_large", message)]
    extension = extension_of(upload.filename)
    expected = ACCEPTED.get(extension)
    if expected is None:
        message = _("Không nhận tệp có phần mở rộng “%(ext)s”; chỉ nhận: %(accepted)s.") % {
            "ext": extension,
            "accepted": ", ".join(sorted(ACCEPTED)),
        }
        return None, [FieldError(field, "file_type_not_accepted", message)]
    kind = filetype.guess(upload.content)
    if kind is None or kind.extension != expected:
        message = _("Nội dung tệp “%(name)s” không phải là tệp %(ext)s như phần mở rộng.") % {
            "name": upload.filename,
            "ext": extension.upper(),
        }
        return None, [FieldError(field, "file_content_mismatch", message)]
    digest = hashlib.sha256(upload.content).hexdigest()
    return CheckedFile(upload, digest, size, str(kind.mime)), []


def check_uploads(uploads: list[Upload], prefix: str = "components") -> tuple[list[CheckedFile], list[FieldError]]:
    if len(uploads) > MAX_FILES:
        message = _("Một hồ sơ có tối đa %(limit)s tệp.") % {"limit": MAX_FILES}
        return [], [FieldError(prefix, "too_many_files", message)]
    checked: list[CheckedFile] = []
    errors: list[FieldError] = []
    for index, upload in enumerate(uploads):
        found, problems = check_upload(upload, index, prefix)
        errors.extend(problems)
        if found is not None:
            checked.append(found)
    return checked, errors
