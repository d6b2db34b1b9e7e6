"""The API's shared plumbing: service errors as 400/403/409 responses, and the API root.

The base every resource's viewset builds on (`RecordViewSet`) lives in `prisoners/api/viewsets.py`, next to
the visibility module whose text masking it applies to every read.
"""

from contextlib import contextmanager

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import ProtectedError, RestrictedError
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, status
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from tracker.api.permissions import ReadOnly


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


@contextmanager
def service_errors_as_responses():
    """A write runs in one transaction: all of it is stored or none. A service's ValidationError becomes a 400
    with field messages, a refused permission a 403, a protected row a 409."""
    try:
        with transaction.atomic():
            yield
    except DjangoValidationError as error:
        if hasattr(error, "error_dict"):
            detail = {
                ("non_field_errors" if field == NON_FIELD_ERRORS else field): messages
                for field, messages in error.message_dict.items()
            }
        else:
            detail = {"non_field_errors": error.messages}
        raise ValidationError(detail) from None
    except PermissionDenied as error:
        raise exceptions.PermissionDenied(str(error) or None) from None
    except (ProtectedError, RestrictedError):
        raise Conflict(_("Other records still refer to this one; change or delete them first.")) from None


class APIRootView(APIView):
    """What this API serves: each resource's list, the stats, imports, the schema and the docs."""

    permission_classes = [ReadOnly]
    resources = {
        "prisoners": "api-prisoner-list",
        "release-events": "api-release-event-list",
        "releases": "api-release-list",
        "destinations": "api-destination-list",
        "deals": "api-deal-list",
        "sources": "api-source-list",
        "reported-totals": "api-reported-total-list",
        "stats": "api-stats",
        "imports": "import-job-list",
        "schema": "api-schema",
        "docs": "api-docs",
    }

    @extend_schema(exclude=True)
    def get(self, request):
        links = {}
        for name, url_name in self.resources.items():
            try:
                links[name] = request.build_absolute_uri(reverse(url_name))
            except NoReverseMatch:  # a door another part of the project has not opened yet
                continue
        return Response(links)
