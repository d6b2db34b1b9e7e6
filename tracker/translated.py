"""A translated text read in SQL as django-modeltranslation's descriptor reads it on an instance.

`event.title` gives the reader's language's column (`title_be`, ...), else the fallback languages' (English), else
"" (docs/i18n.md). Rows built from plain values (the JSON lists, the CSV, the CSV through COPY) read the same
through `translated("event__title")`: the first non-empty of those columns, for the language active now.
"""

from django.db.models import CharField, F, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils.translation import get_language
from modeltranslation.utils import build_localized_fieldname, resolution_order


def translated(path):
    """An expression for the translated field `path` ("title" or a related one, "event__title") in the active
    language, falling back as the model's descriptor does."""
    head, _, name = path.rpartition("__")
    prefix = f"{head}__" if head else ""
    columns = [
        NullIf(F(prefix + build_localized_fieldname(name, language)), Value(""))
        for language in resolution_order(get_language())
    ]
    return Coalesce(*columns, Value(""), output_field=CharField())
