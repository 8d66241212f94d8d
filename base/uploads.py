"""What an upload may be: one allow-list per kind, checked on the content.

A file's name says nothing about what it holds: an HTML page renamed
``clip.mp4`` is still HTML, and served from the unit's own origin it would
run script in the admin's session. Every upload field names the kinds it
accepts; the extension must be one of theirs *and* the first bytes must
sniff (``filetype``) as one of that extension's MIME types. Plain text is
accepted only where the kind lists it, and only when it decodes as UTF-8.

Used by the Wagtail document form (``WAGTAILDOCS_DOCUMENT_FORM_BASE``), the
board slide form and bulletin attachments; citizens' photos are re-encoded
by ``engage.images`` on top of this.
"""

import filetype
from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible

_ZIP = {"application/zip"}
_OLE = {"application/msword", "application/x-ole-storage", "application/x-cfb"}

# kind -> extension -> MIME types the content may sniff as ("text/plain":
# no magic number; checked by decoding instead).
ALLOWED = {
    "image": {
        "jpg": {"image/jpeg"},
        "jpeg": {"image/jpeg"},
        "png": {"image/png"},
        "webp": {"image/webp"},
        "gif": {"image/gif"},
    },
    "video": {
        "mp4": {"video/mp4"},
        "m4v": {"video/mp4", "video/x-m4v"},
        "webm": {"video/webm"},
    },
    "audio": {
        "mp3": {"audio/mpeg"},
        "ogg": {"audio/ogg"},
        "oga": {"audio/ogg"},
        "opus": {"audio/ogg"},
        "wav": {"audio/x-wav", "audio/wav"},
        "m4a": {"audio/mp4", "audio/m4a", "video/mp4"},
        "aac": {"audio/aac"},
        "flac": {"audio/x-flac"},
        "webm": {"video/webm", "audio/webm"},
    },
    "document": {
        "pdf": {"application/pdf"},
        "doc": _OLE,
        "xls": _OLE | {"application/vnd.ms-excel"},
        "ppt": _OLE | {"application/vnd.ms-powerpoint"},
        "docx": _ZIP
        | {"application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
        "xlsx": _ZIP
        | {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
        "pptx": _ZIP
        | {"application/vnd.openxmlformats-officedocument.presentationml.presentation"},
        "odt": _ZIP | {"application/vnd.oasis.opendocument.text"},
        "ods": _ZIP | {"application/vnd.oasis.opendocument.spreadsheet"},
        "zip": _ZIP,
        "txt": {"text/plain"},
    },
}

KIND_NAMES = {
    "image": "ảnh",
    "video": "video",
    "audio": "âm thanh",
    "document": "văn bản",
}
SNIFF_BYTES = 8192
TEXT_BYTES = 1 << 20


def extension(name):
    return name.rsplit(".", 1)[-1].lower() if "." in (name or "") else ""


def allowed_extensions(kinds):
    return sorted({ext for kind in kinds for ext in ALLOWED[kind]})


def _read_head(upload, size):
    upload.seek(0)
    head = upload.read(size)
    upload.seek(0)
    return head


def _is_text(upload):
    data = _read_head(upload, TEXT_BYTES)
    if b"\x00" in data:
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut at the end of the sample is fine.
        return exc.start >= len(data) - 3 and len(data) == TEXT_BYTES
    return True


def sniff(upload, kinds):
    """(kind, None) when ``upload`` is allowed for one of ``kinds``, else
    (None, a Vietnamese message saying what was wrong and what is accepted)."""
    name = getattr(upload, "name", "") or "tệp"
    ext = extension(name)
    for kind in kinds:
        mimes = ALLOWED[kind].get(ext)
        if mimes is None:
            continue
        if "text/plain" in mimes:
            if _is_text(upload):
                return kind, None
        else:
            guess = filetype.guess(_read_head(upload, SNIFF_BYTES))
            if guess is not None and guess.mime in mimes:
                return kind, None
        return None, (
            f"Nội dung tệp «{name}» không phải tệp .{ext} thật "
            f"(đã kiểm tra nội dung, không chỉ tên tệp). Hãy chọn lại tệp gốc."
        )
    names = " hoặc ".join(KIND_NAMES[k] for k in kinds)
    return None, (
        f"Không nhận tệp «{name}»: chỉ nhận {names} dạng "
        f"{', '.join(allowed_extensions(kinds))}."
    )


@deconstructible
class UploadValidator:
    """Form-field validator: ``UploadValidator("video")``."""

    def __init__(self, *kinds):
        self.kinds = kinds

    def __call__(self, upload):
        if upload is None or not hasattr(upload, "read"):
            return
        _kind, error = sniff(upload, self.kinds)
        if error:
            raise ValidationError(error, code="upload_type")

    def __eq__(self, other):
        return isinstance(other, UploadValidator) and other.kinds == self.kinds
