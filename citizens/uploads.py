"""Documents residents add: checked by their content, stored outside public paths."""

from __future__ import annotations

import re
import secrets
import unicodedata
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

MAX_SIZE = 10 * 1024 * 1024
MAX_PER_DRAFT = 5
# Content types recognised by the first bytes of the file, never by its name.
SIGNATURES: list[tuple[bytes, str]] = [
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
]


def detect_content_type(head: bytes) -> str | None:
    for signature, content_type in SIGNATURES:
        if head.startswith(signature):
            return content_type
    return None


def safe_name(name: str) -> str:
    """A display name without paths, control characters or odd Unicode."""
    name = unicodedata.normalize("NFKC", name)
    name = re.split(r"[\\/]", name)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = name.strip(" .") or "document"
    return name[:120]


def check_upload(upload: UploadedFile) -> str:
    """Return the real content type, or raise a ValidationError to show at the field."""
    if upload.size is not None and upload.size > MAX_SIZE:
        raise ValidationError(
            _("This file is larger than 10 MB. Choose a smaller file.")
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    content_type = detect_content_type(head)
    if content_type is None:
        raise ValidationError(
            _("This file is not a PDF, JPEG or PNG. Only those can be added.")
        )
    return content_type


def storage_root() -> Path:
    return Path(settings.PRIVATE_MEDIA_ROOT) / "attachments"


def path_for(storage_name: str) -> Path:
    if not re.fullmatch(r"[0-9a-f]{64}", storage_name):
        raise ValueError("invalid storage name")
    return storage_root() / storage_name[:2] / storage_name


def store(upload: UploadedFile) -> tuple[str, int]:
    """Write the file under a random name; return that name and the size."""
    storage_name = secrets.token_hex(32)
    path = path_for(storage_name)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    size = 0
    with path.open("xb") as target:
        for chunk in upload.chunks():
            size += len(chunk)
            if size > MAX_SIZE:
                target.close()
                path.unlink(missing_ok=True)
                raise ValidationError(
                    _("This file is larger than 10 MB. Choose a smaller file.")
                )
            target.write(chunk)
    path.chmod(0o600)
    return storage_name, size
