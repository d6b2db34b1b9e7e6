"""Make sure there is a superuser to log in with, and say how to log in (used by `make run`).

ADMIN_USERNAME and ADMIN_PASSWORD name the account. Without them, admin/admin is created only
when DEBUG is on (a local run); in production nothing is created without both variables.
"""

import os

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

LOCAL_DEFAULT = ("admin", "admin")


class Command(BaseCommand):
    help = "Create (or update) the superuser from ADMIN_USERNAME/ADMIN_PASSWORD; admin/admin by default with DEBUG."

    def add_arguments(self, parser):
        parser.add_argument("--url", default="/admin/", help="Where the admin is served, for the message.")

    def handle(self, *args, **options):
        username = os.environ.get("ADMIN_USERNAME", "").strip()
        password = os.environ.get("ADMIN_PASSWORD", "")
        from_environment = bool(username and password)
        if not from_environment:
            if username or password:
                raise CommandError("Set both ADMIN_USERNAME and ADMIN_PASSWORD, or neither.")
            if not settings.DEBUG:
                self.stdout.write("No admin account created: set ADMIN_USERNAME and ADMIN_PASSWORD to create one.")
                return
            username, password = LOCAL_DEFAULT

        model = get_user_model()
        user = model.objects.filter(username=username).first()
        if user is None:
            model.objects.create_superuser(username=username, password=password, email="")
            action = "Created"
        else:
            if from_environment and not user.check_password(password):
                user.set_password(password)
            user.is_staff = user.is_superuser = user.is_active = True
            user.save()
            action = "Using"
        shown = f"password '{password}'" if not from_environment else "the password in ADMIN_PASSWORD"
        if not from_environment and not user_password_matches(username, password):
            shown = "the password you set earlier (the default admin/admin was changed)"
        self.stdout.write(
            self.style.SUCCESS(
                f"{action} superuser '{username}'. Log in at {options['url']} as '{username}' with {shown}."
            )
        )


def user_password_matches(username, password):
    user = get_user_model().objects.filter(username=username).first()
    return bool(user and user.check_password(password))
