"""Two-factor sign-in for staff (TOTP, django-otp): who needs it, the admin's login form, enrolment.

With TWO_FACTOR_REQUIRED on, a user who may see withheld people or import records (superusers
included) reaches the admin only after a TOTP code. Someone without a device is sent to
/account/two-factor/ after the password step, to add one with an authenticator app.
"""

from base64 import b32encode

from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.admin import OTPAdminAuthenticationForm
from django_otp.plugins.otp_totp.models import TOTPDevice

from tracker.security_log import log_event

SENSITIVE_PERMISSIONS = ("prisoners.view_withheld", "imports.import_records")


def two_factor_required(user) -> bool:
    if not getattr(settings, "TWO_FACTOR_REQUIRED", False) or not user.is_authenticated:
        return False
    return user.is_superuser or any(user.has_perm(permission) for permission in SENSITIVE_PERMISSIONS)


def two_factor_satisfied(request) -> bool:
    user = request.user
    return not two_factor_required(user) or (hasattr(user, "is_verified") and user.is_verified())


class TwoFactorAdminLoginForm(OTPAdminAuthenticationForm):
    """Password, then the TOTP code for anyone with a confirmed device (the code field appears then)."""

    def clean(self):
        self.cleaned_data = AdminAuthenticationForm.clean(self)
        user = self.get_user()
        if user is not None and user_has_device(user, confirmed=True):
            self.clean_otp(user)
        return self.cleaned_data


@transaction.atomic
def pending_device(user) -> TOTPDevice:
    """The user's unconfirmed TOTP device, created once (its key is shown until a code confirms it)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=_("Authenticator app"), confirmed=False)
    return device


@transaction.atomic
def confirm_device(device) -> None:
    device.confirmed = True
    device.save(update_fields=["confirmed"])


@login_required
def two_factor_setup(request):
    user = request.user
    if user_has_device(user, confirmed=True):
        return redirect("admin:index")
    device = pending_device(user)
    error = ""
    if request.method == "POST":
        if device.verify_token(request.POST.get("otp_token", "").strip()):
            confirm_device(device)
            otp_login(request, device)
            log_event("two-factor-enrolled", request, user=user.get_username())
            return redirect("admin:index")
        error = _("That code is not right; check the clock of your phone and try the next code.")
    context = {
        "secret": b32encode(device.bin_key).decode(),
        "config_url": device.config_url,
        "error": error,
        "title": _("Set up two-factor sign-in"),
    }
    return render(request, "security/two_factor_setup.html", context)
