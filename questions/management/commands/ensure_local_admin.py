from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import BaseCommand, CommandError

USERNAME = "admin"
PASSWORD = "admin"


class Command(BaseCommand):
    help = "Local development only: make sure an admin account exists and say how to sign in."

    def handle(self, *args, **options) -> None:
        if not settings.DEBUG:
            raise CommandError("ensure_local_admin only runs with DEBUG=true (local development).")
        User = get_user_model()
        if not User.objects.filter(is_superuser=True).exists():
            User.objects.create_superuser(USERNAME, email="", password=PASSWORD)
            self.stdout.write(self.style.SUCCESS("Created a local admin account."))
        elif not User.objects.filter(username=USERNAME, is_superuser=True).exists():
            self.stdout.write("Sign in with your existing superuser account.")
            return
        self.stdout.write(
            f"Sign in at http://127.0.0.1:{_port()}/accounts/login/ "
            f"as '{USERNAME}' (password '{PASSWORD}' unless you changed it)."
        )


def _port() -> str:
    import os

    return os.environ.get("PORT", "8000")
