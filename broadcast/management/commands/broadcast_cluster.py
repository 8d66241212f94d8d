"""Register, re-key or revoke one speaker cluster from the command line (an
installer's script, or an installation without the admin at hand). The
same rules as "Thêm cụm loa" (``ClusterAddForm``); the provisioning JSON is
printed once, or written to ``--out`` readable by its owner only."""

import json
import os

from django.core.management.base import BaseCommand, CommandError

from broadcast import services
from broadcast.models import SpeakerCluster


class Command(BaseCommand):
    help = (
        "Register (register), re-key (rotate) or revoke (revoke) one speaker "
        "cluster; prints its provisioning file (docs/mqtt-protocol-v1.md)."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        register = sub.add_parser("register", help="register a new cluster")
        register.add_argument("--unit", required=True, help="unit code")
        register.add_argument("--device-id", required=True)
        register.add_argument("--name", required=True)
        register.add_argument("--volume", type=int, default=80)
        register.add_argument("--on-time", default="05:00")
        register.add_argument("--off-time", default="21:00")
        register.add_argument("--out", help="write the provisioning JSON here")
        rotate = sub.add_parser("rotate", help="new password and signing key")
        rotate.add_argument("device_id")
        rotate.add_argument("--out", help="write the provisioning JSON here")
        revoke = sub.add_parser("revoke", help="take the cluster out of service")
        revoke.add_argument("device_id")

    def handle(self, **opts):
        action = opts["action"]
        if action == "register":
            cluster, password = self.register(opts)
        else:
            cluster = SpeakerCluster.objects.filter(device_id=opts["device_id"]).first()
            if cluster is None:
                raise CommandError(f"Không có cụm loa mã “{opts['device_id']}”.")
            if action == "revoke":
                services.revoke_credentials(cluster)
                self.stdout.write(f"Đã thu hồi khóa của “{cluster.name}”.")
                return
            if not cluster.is_active:
                cluster.is_active = True
                cluster.save(update_fields=["is_active"])
            password = services.rotate_credentials(cluster)
        text = json.dumps(
            services.device_provisioning(cluster, password),
            ensure_ascii=False,
            indent=1,
        )
        if opts.get("out"):
            fd = os.open(opts["out"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(text + "\n")
            self.stdout.write(
                f"Đã ghi tệp cấp khóa của “{cluster.name}”: {opts['out']}"
            )
        else:
            self.stdout.write(text)

    def register(self, opts):
        from tenants.models import Unit

        from ...forms import ClusterAddForm

        unit = (
            Unit.objects.exclude(schema_name="public")
            .filter(code=opts["unit"])
            .order_by("-structure")
            .first()
        )
        if unit is None:
            raise CommandError(f"Không tìm thấy đơn vị mã “{opts['unit']}”.")
        form = ClusterAddForm(
            {
                "name": opts["name"],
                "device_id": opts["device_id"],
                "volume": opts["volume"],
                "on_time": opts["on_time"],
                "off_time": opts["off_time"],
            },
            unit=unit,
        )
        if not form.is_valid():
            errors = [
                f"{form.fields[name].label if name in form.fields else name}: {e}"
                for name, messages in form.errors.items()
                for e in messages
            ]
            raise CommandError(" ".join(errors))
        data = form.cleaned_data
        return services.create_cluster(
            unit,
            name=data["name"],
            device_id=data["device_id"],
            volume=data["volume"],
            on_time=data["on_time"],
            off_time=data["off_time"],
        )
