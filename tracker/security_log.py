"""The security log: sign-ins, failed attempts, lockouts, sign-outs and changes to who may do what.

One line per event on the `tracker.security` logger (sent wherever LOGGING sends it; SECURITY_LOG_FILE
adds a file), as `event key=value ...`; passwords and tokens are never written.
"""

import logging

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import m2m_changed, post_save, pre_save
from django.dispatch import receiver

from tracker.client_ip import client_ip

logger = logging.getLogger("tracker.security")

WATCHED_USER_FIELDS = ("is_active", "is_staff", "is_superuser")


def log_event(event, request=None, **fields):
    if request is not None:
        fields.setdefault("ip", client_ip(request))
        fields.setdefault("path", request.path)
    details = " ".join(f"{key}={value!r}" for key, value in fields.items())
    logger.info("%s %s", event, details)


@receiver(user_logged_in)
def _signed_in(sender, request, user, **kwargs):
    log_event("sign-in", request, user=user.get_username())


@receiver(user_logged_out)
def _signed_out(sender, request, user, **kwargs):
    log_event("sign-out", request, user=user.get_username() if user else None)


@receiver(user_login_failed)
def _sign_in_failed(sender, credentials, request=None, **kwargs):
    log_event("sign-in-failed", request, user=credentials.get("username"))


def _lockout(sender, request, username, ip_address, **kwargs):
    log_event("locked-out", None, user=username, ip=ip_address, path=getattr(request, "path", None))


def connect_axes():
    from axes.signals import user_locked_out

    user_locked_out.connect(_lockout, dispatch_uid="security-log-lockout")


@receiver(pre_save, sender=get_user_model())
def _remember_flags(sender, instance, raw=False, **kwargs):
    if instance.pk and not raw:
        before = sender.objects.filter(pk=instance.pk).values(*WATCHED_USER_FIELDS).first()
        instance._security_before = before


@receiver(post_save, sender=get_user_model())
def _flags_changed(sender, instance, created, raw=False, **kwargs):
    if raw:  # loaded from a backup or fixture, not a change
        return
    before = getattr(instance, "_security_before", None)
    if created:
        changed = {name: getattr(instance, name) for name in WATCHED_USER_FIELDS if getattr(instance, name)}
        log_event("user-created", user=instance.get_username(), **changed)
    elif before:
        changed = {
            name: getattr(instance, name) for name in WATCHED_USER_FIELDS if before[name] != getattr(instance, name)
        }
        if changed:
            log_event("user-flags-changed", user=instance.get_username(), **changed)


def _permissions_changed(sender, instance, action, model, pk_set, **kwargs):
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    names = sorted(str(item) for item in model.objects.filter(pk__in=pk_set or ())) if pk_set else []
    owner = instance.get_username() if hasattr(instance, "get_username") else f"group:{instance.name}"
    kind = "groups" if model is Group else "permissions"
    log_event(f"{kind}-{action.removeprefix('post_')}", who=owner, items=names)


def _connect_permission_signals():
    user_model = get_user_model()
    for through in (user_model.user_permissions.through, user_model.groups.through, Group.permissions.through):
        m2m_changed.connect(_permissions_changed, sender=through, dispatch_uid=f"security-log-{through.__name__}")


_connect_permission_signals()
