from django.core.management.base import BaseCommand

from broadcast.broker_config import write_files


class Command(BaseCommand):
    help = (
        "Write Mosquitto's password_file and acl_file for every registered "
        "speaker cluster (then send SIGHUP to mosquitto to reload)."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", help="where to write passwd and acl")
        parser.add_argument("--server-user", default=None)
        parser.add_argument("--server-password", default=None)

    def handle(self, directory, server_user, server_password, **options):
        passwd, acl = write_files(directory, server_user, server_password)
        self.stdout.write(f"password_file {passwd}\nacl_file {acl}")
