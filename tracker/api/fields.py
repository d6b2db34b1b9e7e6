"""Serializer fields for the values this domain types: country codes and partial dates."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import URLValidator
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from tracker.values import format_partial_date, parse_country, parse_partial_date

PARTIAL_DATE_PATTERN = r"^\d{4}(-\d{2}(-\d{2})?)?$"


@extend_schema_field({"type": "string", "pattern": "^[A-Z]{2}$", "example": "UA"})
class CountryCodeField(serializers.Field):
    """ISO 3166-1 alpha-2, upper case in output; input also takes any case and English names."""

    def to_representation(self, value):
        code = getattr(value, "code", value)
        return str(code).upper() if code else None

    def to_internal_value(self, data):
        if data == "" and self.allow_null:
            return ""
        try:
            return parse_country(data)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.messages) from None


@extend_schema_field({"type": "string", "nullable": True, "pattern": PARTIAL_DATE_PATTERN, "example": "2021-03"})
class PartialDateField(serializers.Field):
    """A date as precise as it is known: `2021`, `2021-03` or `2021-03-05` (reads the `<name>_precision` field)."""

    def __init__(self, date_field, **kwargs):
        self.date_field = date_field
        kwargs["source"] = "*"
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_representation(self, instance):
        value = getattr(instance, self.date_field)
        if value is None:
            return None
        return format_partial_date(value, getattr(instance, f"{self.date_field}_precision"))

    def to_internal_value(self, data):
        if data in (None, ""):
            return {self.date_field: None}
        try:
            value, precision = parse_partial_date(data)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.messages) from None
        return {self.date_field: value, f"{self.date_field}_precision": precision}


@extend_schema_field({"type": "string", "maxLength": 1000, "description": "Blank, or an http(s) address."})
class AddressOrBlankField(serializers.CharField):
    """A web address or nothing (spectacular's own `oneOf` for blank URLs matches '' twice, which is invalid)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("allow_blank", True)
        kwargs.setdefault("max_length", 1000)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if value:
            try:
                URLValidator()(value)
            except DjangoValidationError as error:
                raise serializers.ValidationError(error.messages) from None
        return value
