"""Print this installation's secret key, making it on first use.

`make run` exports it as DJANGO_SECRET_KEY, so a demo never runs on the
repository's public default (anyone could forge signed values with it:
device-audio tokens, MQTT device keys, survey ballots, rating links).
Usage: python scripts/secret_key.py [PATH]  (default .local/secret_key)
"""

import os
import secrets
import sys
from pathlib import Path

path = Path(sys.argv[1] if len(sys.argv) > 1 else ".local/secret_key")
if not path.exists() or not path.read_text().strip():
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as out:
        out.write(secrets.token_urlsafe(50) + "\n")
print(path.read_text().strip())
