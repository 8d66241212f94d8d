"""Photos a citizen attached to a feedback form that came back with an error.

A browser cannot re-fill a file input, so a citizen who fixes only the text
would send the feedback without the photo (ux B8). The cleaned photo (EXIF
already stripped) is kept in the unit's storage under ``engage/pending/`` and
the form carries a signed token for it; the next submission takes it back.
Tokens expire after ``KEEP_SECONDS``; older files are removed when new ones
are kept.
"""

import time

from django.core import signing
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

FOLDER = "engage/pending"
KEEP_SECONDS = 3600
SALT = "engage.pending-photo"


def keep(content, size, label):
    """Store one cleaned photo; the token the form carries for it."""
    _remove_stale()
    name = default_storage.save(f"{FOLDER}/{content.name}", content)
    width, height = size
    return signing.dumps(
        {"path": name, "w": width, "h": height, "label": label[:100]}, salt=SALT
    )


def read(token):
    """(label, (ContentFile, (w, h))) of a kept photo, or None if the token is
    forged, expired or its file is gone."""
    try:
        data = signing.loads(token, salt=SALT, max_age=KEEP_SECONDS)
    except signing.BadSignature:
        return None
    path = data.get("path", "")
    if not path.startswith(f"{FOLDER}/") or ".." in path:
        return None
    try:
        with default_storage.open(path, "rb") as handle:
            content = ContentFile(handle.read(), name=path.rsplit("/", 1)[-1])
    except (FileNotFoundError, OSError):
        return None
    return data.get("label", ""), (content, (data["w"], data["h"]))


def release(tokens):
    """Remove kept files once the feedback holds its own copies."""
    for token in tokens:
        try:
            path = signing.loads(token, salt=SALT)["path"]
        except (signing.BadSignature, KeyError, TypeError):
            continue
        if path.startswith(f"{FOLDER}/") and ".." not in path:
            default_storage.delete(path)


def _remove_stale():
    try:
        _dirs, files = default_storage.listdir(FOLDER)
    except (FileNotFoundError, OSError):
        return
    limit = time.time() - 2 * KEEP_SECONDS
    for name in files:
        path = f"{FOLDER}/{name}"
        try:
            if default_storage.get_modified_time(path).timestamp() < limit:
                default_storage.delete(path)
        except (FileNotFoundError, OSError):
            continue
