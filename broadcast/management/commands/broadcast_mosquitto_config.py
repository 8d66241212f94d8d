from django.core.management.base import BaseCommand
from django.db import connection

from broadcast.devices import broker_config


class Command(BaseCommand):
    help = (
        "Write Mosquitto's password and ACL files for every registered speaker "
        "cluster (and with --conf the broker's mosquitto.conf); --reload sends "
        "SIGHUP to the broker named by BROADCAST_MOSQUITTO_PID_FILE."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", help="where to write passwd and acl")
        parser.add_argument("--server-user", default=None)
        parser.add_argument("--server-password", default=None)
        parser.add_argument("--conf", default=None, help="also write this conf file")
        parser.add_argument("--device-port", type=int, default=8883)
        parser.add_argument("--server-port", type=int, default=1883)
        parser.add_argument("--bind", default="")
        parser.add_argument("--data-dir", default="/mosquitto/data")
        parser.add_argument("--log-file", default=None)
        parser.add_argument("--pid-file", default=None)
        parser.add_argument("--certfile", default=None)
        parser.add_argument("--keyfile", default=None)
        parser.add_argument("--reload", action="store_true")

    def handle(self, directory, **opts):
        # Before the first migration there is no cluster table yet: the
        # platform account alone.
        tables = "broadcast_speakercluster" in connection.introspection.table_names()
        passwd, acl = broker_config.write_files(
            directory, opts["server_user"], opts["server_password"], tables=tables
        )
        self.stdout.write(f"password_file {passwd}\nacl_file {acl}")
        if opts["conf"]:
            from pathlib import Path

            Path(opts["conf"]).write_text(
                broker_config.mosquitto_conf(
                    directory,
                    device_port=opts["device_port"],
                    server_port=opts["server_port"],
                    data_dir=opts["data_dir"],
                    bind=opts["bind"],
                    log_file=opts["log_file"],
                    pid_file=opts["pid_file"],
                    certfile=opts["certfile"],
                    keyfile=opts["keyfile"],
                )
            )
            broker_config.give_to_broker_user(directory, opts["data_dir"])
            self.stdout.write(f"conf {opts['conf']}")
        if opts["reload"]:
            broker_config.reload_broker(opts["pid_file"])
