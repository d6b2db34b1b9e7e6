"""Admin: fast choices. Country fields as autocompletes, filters that list only the values in use.

- `CountryAutocompleteAdminMixin` turns every django-countries field of a model admin (one country or
  several) into a Select2 autocomplete over the field's own options (admin's vendored Select2, no
  requests): typing "lith" finds Lithuania instead of scrolling a 250-entry list.
- `CountryInput` is a text box with the country names as suggestions, for plain forms (bulk actions,
  pasted destinations); `tracker.values.parse_country` reads a code or an English name.
- `countries_in_use_filter(field)` is a changelist filter listing only the countries the rows use.
"""

from django import forms
from django.contrib import admin
from django.utils.html import format_html, format_html_join
from django_countries import countries
from django_countries.fields import CountryField

SELECT2_MEDIA = forms.Media(
    js=(
        "admin/js/vendor/jquery/jquery.js",
        "admin/js/vendor/select2/select2.full.js",
        "admin/js/jquery.init.js",
        "admin/js/country_autocomplete.js",
    ),
    css={"screen": ("admin/css/vendor/select2/select2.css", "admin/css/autocomplete.css")},
)


class CountrySelect(forms.Select):
    @property
    def media(self):
        return SELECT2_MEDIA

    def __init__(self, attrs=None, choices=()):
        super().__init__({"class": "country-autocomplete", **(attrs or {})}, choices)


class CountrySelectMultiple(forms.SelectMultiple):
    @property
    def media(self):
        return SELECT2_MEDIA

    def __init__(self, attrs=None, choices=()):
        super().__init__({"class": "country-autocomplete", **(attrs or {})}, choices)


class CountryInput(forms.TextInput):
    """A text box suggesting every country by name (an HTML datalist): a code or a name is accepted."""

    LIST_ID = "country-names"

    def __init__(self, attrs=None):
        super().__init__({"list": self.LIST_ID, "autocomplete": "off", "size": 18, **(attrs or {})})

    def render(self, name, value, attrs=None, renderer=None):
        options = format_html_join("", '<option value="{}">{}</option>', ((n, c) for c, n in countries))
        datalist = format_html('<datalist id="{}">{}</datalist>', self.LIST_ID, options)
        return super().render(name, value, attrs, renderer) + datalist


class CountryAutocompleteAdminMixin:
    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, CountryField):
            kwargs["widget"] = CountrySelectMultiple() if db_field.multiple else CountrySelect()
        return super().formfield_for_dbfield(db_field, request, **kwargs)


def countries_in_use_filter(field_name, title=None):
    """A list filter on a CountryField offering only the countries some row of the changelist uses."""

    class CountriesInUse(admin.SimpleListFilter):
        parameter_name = field_name

        def lookups(self, request, model_admin):
            used = (
                model_admin.get_queryset(request)
                .order_by()
                .exclude(**{field_name: ""})
                .values_list(field_name, flat=True)
                .distinct()
            )
            codes = sorted({code for value in used for code in str(value or "").split(",") if code})
            return sorted(((code, str(countries.name(code)) or code) for code in codes), key=lambda item: item[1])

        def queryset(self, request, queryset):
            if self.value():
                multiple = getattr(queryset.model._meta.get_field(field_name), "multiple", False)
                return queryset.filter(**{f"{field_name}__contains" if multiple else field_name: self.value()})
            return queryset

    CountriesInUse.title = title or field_name.replace("_", " ")
    CountriesInUse.__name__ = f"{field_name.title().replace('_', '')}InUseFilter"
    return CountriesInUse
