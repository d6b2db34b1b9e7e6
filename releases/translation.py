"""Texts readers read, kept per language with django-modeltranslation (docs/i18n.md).

Each field below gets `<field>_en`, `_be`, `_ru`, `_uk` columns; `event.title` reads the reader's
language and falls back to English. The history models get the same columns, so a change to any
language is in the record's history (simple-history copies every field of the instance).
"""

from modeltranslation.translator import TranslationOptions, translator

from releases.models import DealClaim, ReleaseEvent, ReliefMeasure, SanctionsDeal

TRANSLATED_FIELDS = {
    ReleaseEvent: ("title", "description", "uncertainty_note"),
    SanctionsDeal: ("title", "terms", "description"),
    DealClaim: ("claim",),
    ReliefMeasure: ("measure", "target"),
}

for model, model_fields in TRANSLATED_FIELDS.items():
    options = type(f"{model.__name__}TranslationOptions", (TranslationOptions,), {"fields": model_fields})
    translator.register(model, options)
    translator.register(model.history.model, options)
