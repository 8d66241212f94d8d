"""Hand-written admin views of engage (beside the viewsets)."""

import mimetypes

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404

from base.units import unit_or_404

from .models import FeedbackPhoto


def feedback_photo(request, pk):
    """A citizen's photo, for officials of the feedback's unit only: the file
    is never linked publicly, and another unit's photo is not found."""
    unit = unit_or_404()
    if not request.user.has_perm("engage.change_feedback"):
        raise PermissionDenied
    photo = get_object_or_404(FeedbackPhoto, pk=pk, feedback__unit=unit)
    try:
        handle = photo.image.open("rb")
    except FileNotFoundError as missing:
        raise Http404("Không tìm thấy ảnh.") from missing
    kind = mimetypes.guess_type(photo.image.name)[0] or "application/octet-stream"
    return FileResponse(handle, content_type=kind)
