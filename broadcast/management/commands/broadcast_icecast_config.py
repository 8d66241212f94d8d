from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from broadcast.devices.icecast import icecast_config


class Command(BaseCommand):
    help = (
        "Write Icecast's configuration for the platform's streams: source "
        "password, listeners checked by the platform (URL authentication)."
    )

    def add_arguments(self, parser):
        parser.add_argument("out", help="icecast.xml to write")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--bind", default="127.0.0.1")
        parser.add_argument("--hostname", default="localhost")
        # Passwords from the environment (not the command line, which other
        # users of the machine can read).
        parser.add_argument(
            "--auth-url",
            required=True,
            help="the platform's /_icecast/auth/ as Icecast reaches it",
        )
        parser.add_argument("--log-dir", required=True)
        parser.add_argument("--user", default=None, help="drop to it when root")
        parser.add_argument("--group", default=None)

    def handle(self, out, **opts):
        if not (settings.ICECAST_SOURCE_PASSWORD and settings.ICECAST_ADMIN_PASSWORD):
            raise CommandError(
                "Chưa đặt ICECAST_SOURCE_PASSWORD và ICECAST_ADMIN_PASSWORD."
            )
        text = icecast_config(
            port=opts["port"],
            bind=opts["bind"],
            hostname=opts["hostname"],
            source_password=settings.ICECAST_SOURCE_PASSWORD,
            admin_password=settings.ICECAST_ADMIN_PASSWORD,
            auth_url=opts["auth_url"],
            log_dir=opts["log_dir"],
            user=opts["user"],
            group=opts["group"],
        )
        path = Path(out)
        path.write_text(text)
        path.chmod(0o640)
        self.stdout.write(str(path))
