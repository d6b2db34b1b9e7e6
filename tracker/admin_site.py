"""The admin site: Django's, with the lockout-aware login form and two-factor sign-in for staff."""

from django.contrib.admin import AdminSite
from django.shortcuts import redirect
from django_otp import user_has_device

from tracker.two_factor import TwoFactorAdminLoginForm, two_factor_satisfied


class TrackerAdminSite(AdminSite):
    login_form = TwoFactorAdminLoginForm
    login_template = "otp/admin111/login.html"

    def has_permission(self, request):
        return super().has_permission(request) and two_factor_satisfied(request)

    def login(self, request, extra_context=None):
        user = request.user
        if (
            user.is_authenticated
            and user.is_active
            and user.is_staff
            and not two_factor_satisfied(request)
            and not user_has_device(user, confirmed=True)
        ):
            return redirect("two-factor-setup")
        return super().login(request, extra_context)
