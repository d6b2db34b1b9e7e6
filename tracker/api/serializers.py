"""The strict base every write serializer uses."""

from collections.abc import Mapping

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers


class StrictSerializerMixin:
    """A write either stores every field it was given or answers 400 naming the ones it cannot store."""

    def to_internal_value(self, data):
        if isinstance(data, Mapping):
            errors = {}
            for name in data:
                field = self.fields.get(name)
                if field is None:
                    errors[name] = [_("Unknown field: it cannot be stored.")]
                elif field.read_only:
                    errors[name] = [_("Read-only field: it cannot be written.")]
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)
