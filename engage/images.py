"""Photos citizens attach: checked with Pillow, re-encoded, EXIF dropped.

Phone photos carry GPS coordinates in EXIF; re-encoding the pixels into a
new JPEG without copying any metadata removes them (location privacy), and
also neutralises files that only pretend to be images.
"""

import io
import uuid

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_BYTES = 5 * 1024 * 1024
MAX_PHOTOS = 3
MAX_SIDE = 2000
MAX_PIXELS = 40_000_000


def clean_photo(upload):
    """A ContentFile with a fresh JPEG, or ValidationError in Vietnamese."""
    name = getattr(upload, "name", "ảnh")
    if upload.size > MAX_BYTES:
        raise ValidationError(f"Ảnh “{name}” lớn hơn 5 MB, hãy chọn ảnh nhỏ hơn.")
    try:
        data = upload.read()
        with Image.open(io.BytesIO(data)) as probe:
            probe.verify()
        image = Image.open(io.BytesIO(data))
        if image.width * image.height > MAX_PIXELS:
            raise ValidationError(f"Ảnh “{name}” có kích thước quá lớn.")
        image = ImageOps.exif_transpose(image)
        image = image.convert("RGB")
        image.thumbnail((MAX_SIDE, MAX_SIDE))
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        raise ValidationError(
            f"Tệp “{name}” không phải ảnh hợp lệ. Hãy chọn ảnh JPG, PNG hoặc WEBP."
        )
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85, optimize=True)  # no exif= given
    return ContentFile(out.getvalue(), name=f"{uuid.uuid4().hex}.jpg"), image.size
