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
# Decoding cost grows with pixels (a 36 MP PNG: seconds of a web thread and
# ~110 MB): 16 MP covers phone photos and is 4x what the 2000-px output needs.
MAX_PIXELS = 16_000_000
FORMATS = ("JPEG", "PNG", "WEBP")


def clean_photo(upload):
    """A ContentFile with a fresh JPEG, or ValidationError in Vietnamese."""
    name = getattr(upload, "name", "ảnh")
    if upload.size > MAX_BYTES:
        raise ValidationError(f"Ảnh “{name}” lớn hơn 5 MB, hãy chọn ảnh nhỏ hơn.")
    try:
        data = upload.read()
        # The header tells the size: refuse before decoding any pixel.
        with Image.open(io.BytesIO(data), formats=FORMATS) as probe:
            if probe.width * probe.height > MAX_PIXELS:
                raise ValidationError(
                    f"Ảnh “{name}” có kích thước quá lớn ({probe.width}×"
                    f"{probe.height} điểm ảnh); hãy chọn ảnh nhỏ hơn 16 megapixel."
                )
            probe.verify()
        image = Image.open(io.BytesIO(data), formats=FORMATS)
        # JPEG decodes at a reduced scale straight to about the output size.
        image.draft("RGB", (MAX_SIDE, MAX_SIDE))
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
