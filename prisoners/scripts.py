"""Which written form of a visible person's name a reader of each language sees (docs/i18n.md).

Only the script choice lives here: whether a name may be shown at all is asked first of
`prisoners.visibility` (see prisoners/templatetags/person_names.py). This module never queries:
it reads `native_name` and, when the caller prefetched them, the person's name variants.
"""

from django.db.models import Prefetch

from prisoners.models import NameVariant

CYRILLIC_LANGUAGES = ("be", "ru", "uk")
# The forms a reader of each language is offered, best first; "" is Prisoner.native_name (the
# person's own form, usually Belarusian for people held in Belarus).
PREFERENCE = {
    "be": ("be", "", "ru", "uk"),
    "ru": ("ru", "", "be", "uk"),
    "uk": ("uk", "", "be", "ru"),
}
NATIVE_VARIANTS = "native_name_variants"


def is_cyrillic(text: str) -> bool:
    return any("\u0400" <= char <= "\u04ff" for char in text)


def native_variants_prefetch(prefix: str = "") -> Prefetch:
    """Prefetch of the Cyrillic forms recorded as variants, for a list of people (one query)."""
    return Prefetch(
        f"{prefix}name_variants",
        queryset=NameVariant.objects.filter(kind=NameVariant.Kind.NATIVE, language__in=CYRILLIC_LANGUAGES),
        to_attr=NATIVE_VARIANTS,
    )


def with_native_variants(queryset, language: str, prefix: str = ""):
    """The queryset, with the variants prefetched where the reader's language uses Cyrillic."""
    if language not in CYRILLIC_LANGUAGES:
        return queryset
    return queryset.prefetch_related(native_variants_prefetch(prefix))


def _recorded_variants(prisoner):
    if hasattr(prisoner, NATIVE_VARIANTS):
        return getattr(prisoner, NATIVE_VARIANTS)
    if "name_variants" in getattr(prisoner, "_prefetched_objects_cache", {}):
        return prisoner.name_variants.all()
    return ()  # not fetched: use native_name only rather than a query per person


def script_name(prisoner, language: str) -> tuple[str, str]:
    """(name, its language or "") in the Cyrillic form a reader of `language` reads best; ("", "") for none.

    Call it only for a person whose name the reader may see.
    """
    if language not in CYRILLIC_LANGUAGES:
        return "", ""
    forms = {}
    for variant in _recorded_variants(prisoner):
        if variant.kind == NameVariant.Kind.NATIVE and is_cyrillic(variant.name):
            forms.setdefault(variant.language, variant.name)
    if prisoner.native_name and is_cyrillic(prisoner.native_name):
        forms[""] = prisoner.native_name
    for key in PREFERENCE[language]:
        if forms.get(key):
            return forms[key], key
    return "", ""
