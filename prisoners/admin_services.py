"""Admin writes through the service layer, and a refused write as form errors with nothing written.

`ServiceAdminMixin` replaces ModelAdmin's ORM writes: the main form goes to the admin's
`create_object`/`update_object`/`delete_object` (each calls a service), every inline row to the
service its model has in `INLINE_WRITERS`. The whole change form is one transaction: when a
service refuses (ValidationError), everything is rolled back and the page is rendered again from
the submitted data with the refusal as errors of the form or inline row that caused it.
"""

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import router, transaction
from django.http import HttpResponseRedirect
from django.utils.translation import gettext as _

from prisoners.admin_visibility import with_source_labelled_forms, with_source_labels
from prisoners.visibility import can_view_withheld


class Refused(Exception):
    """A service refused an admin write: `error` belongs to the main form (prefix None) or an inline row."""

    def __init__(self, error, *, prefix=None, index=None):
        super().__init__(error)
        self.error = error
        self.prefix = prefix
        self.index = index

    @property
    def text(self):
        return " ".join(self.error.messages)


def add_errors(form, error):
    """Put a service's ValidationError on `form`: on the field it names if the form has it, else on the form."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            if name in form.fields:
                form.add_error(name, errors)
            else:
                form.add_error(None, [f"{message}" for e in errors for message in e.messages])
    else:
        form.add_error(None, error)


def form_fields(form, *, changed_only, skip=()):
    """The model fields a form submits, split into plain fields and many-to-many ones."""
    model = form._meta.model
    concrete = {field.name: field for field in model._meta.get_fields() if getattr(field, "concrete", False)}
    names = form.changed_data if changed_only else list(form.cleaned_data)
    fields, many = {}, {}
    for name in names:
        field = concrete.get(name)
        if field is None or field.primary_key or name in skip or name not in form.cleaned_data:
            continue
        (many if field.many_to_many else fields)[name] = form.cleaned_data[name]
    return fields, many


def adopt(obj, created):
    """Make the admin's unsaved instance the row a service created (admin logs and redirects with it)."""
    for field in created._meta.concrete_fields:
        setattr(obj, field.attname, getattr(created, field.attname))
    obj._state.adding = False
    obj._state.db = created._state.db
    return obj


@dataclass(frozen=True)
class InlineWriter:
    """The services of one inline model: create(actor, parent, fields, many), update(actor, obj, fields, many),
    delete(actor, obj)."""

    create: Any
    update: Any
    delete: Any


INLINE_WRITERS = {}  # model -> InlineWriter, filled by the admin modules


class ServiceAdminMixin:
    """Route every admin write through the services; see the module's docstring."""

    def get_deleted_objects(self, objs, request):
        """A delete's confirmation names every record it reaches, withheld people included: for staff who may
        not see them, only the counts per kind of record."""
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        if not can_view_withheld(request.user):
            deleted = []
            protected = [_("%(count)d protected records") % {"count": len(protected)}] if protected else []
        return deleted, counts, perms_needed, protected

    def create_object(self, request, fields, many, form):
        raise NotImplementedError

    def update_object(self, request, obj, fields, many, form):
        raise NotImplementedError

    def delete_object(self, request, obj):
        raise NotImplementedError

    def after_related(self, request, form, change):
        """Called once every inline row is written (the prisoner admin declares the status here)."""

    # The change form: one transaction, a refusal re-renders the page with errors -----------

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method != "POST":
            return super().changeform_view(request, object_id, form_url, extra_context)
        try:
            with transaction.atomic(using=router.db_for_write(self.model)):
                return super().changeform_view(request, object_id, form_url, extra_context)
        except Refused as refused:
            # Rolled back: render the page again from the submitted data, with the refusal as errors.
            request._admin_refusal = refused
            with transaction.atomic(using=router.db_for_write(self.model)):
                return super().changeform_view(request, object_id, form_url, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)  # by name: modeltranslation's admin
        form_class = with_source_labels(form_class, request.user)  # hidden sources chosen, untitled
        refused = getattr(request, "_admin_refusal", None)
        if refused is None or refused.prefix is not None:
            return form_class

        class RefusedForm(form_class):
            def clean(self):
                cleaned = super().clean()
                add_errors(self, refused.error)
                return cleaned

        return RefusedForm

    def get_formsets_with_inlines(self, request, obj=None):
        for formset_class, inline in super().get_formsets_with_inlines(request, obj):
            yield with_source_labelled_forms(formset_class, request.user), inline

    def _create_formsets(self, request, obj, change):
        formsets, inline_instances = super()._create_formsets(request, obj, change)
        refused = getattr(request, "_admin_refusal", None)
        for formset in formsets:
            if refused is not None and formset.prefix == refused.prefix:
                _refuse_in_formset(formset, refused)
        return formsets, inline_instances

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        try:
            with transaction.atomic(using=router.db_for_write(self.model)):
                return super().history_form_view(request, object_id, version_id, extra_context)
        except Refused as refused:
            messages.error(request, refused.text)
            return HttpResponseRedirect(request.path)

    # Writes --------------------------------------------------------------------------------

    def save_model(self, request, obj, form, change):
        fields, many = form_fields(form, changed_only=change)
        try:
            if change:
                self.update_object(request, obj, fields, many, form)
            else:
                adopt(obj, self.create_object(request, fields, many, form))
        except ValidationError as error:
            raise Refused(error) from error
        form.save_m2m = lambda: None  # the service wrote the many-to-many fields

    def save_related(self, request, form, formsets, change):
        form.save_m2m()
        for formset in formsets:
            self.save_formset(request, form, formset, change)
        try:
            self.after_related(request, form, change)
        except ValidationError as error:
            raise Refused(error) from error

    def save_formset(self, request, form, formset, change):
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        writer = INLINE_WRITERS.get(formset.model)
        fk = getattr(formset, "fk", None)
        skip = {fk.name} if fk is not None else set()
        actor = request.user
        for index, row in enumerate(formset.forms):
            obj = row.instance
            try:
                if formset.can_delete and formset._should_delete_form(row):
                    if obj.pk is not None:
                        writer.delete(actor, obj)
                        formset.deleted_objects.append(obj)
                elif obj.pk is None:
                    if row.has_changed():
                        fields, many = form_fields(row, changed_only=False, skip=skip)
                        row.instance = writer.create(actor, formset.instance, fields, many)
                        formset.new_objects.append(row.instance)
                elif row.has_changed():
                    fields, many = form_fields(row, changed_only=True, skip=skip)
                    writer.update(actor, obj, fields, many)
                    formset.changed_objects.append((obj, row.changed_data))
            except ValidationError as error:
                raise Refused(error, prefix=formset.prefix, index=index) from error

    def delete_model(self, request, obj):
        self.delete_object(request, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic(using=router.db_for_write(self.model)):
            for obj in queryset:
                self.delete_object(request, obj)

    def delete_view(self, request, object_id, extra_context=None):
        try:
            with transaction.atomic(using=router.db_for_write(self.model)):
                return super().delete_view(request, object_id, extra_context)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return HttpResponseRedirect(request.path)

    def changelist_view(self, request, extra_context=None):
        try:
            return super().changelist_view(request, extra_context)
        except ValidationError as error:  # a bulk action a service refused: nothing was written
            messages.error(request, " ".join(error.messages))
            return HttpResponseRedirect(request.get_full_path())


def _refuse_in_formset(formset, refused):
    """Show the refusal on the inline row that caused it, or on the inline itself (a deleted row)."""
    forms = formset.forms
    row = forms[refused.index] if refused.index is not None and refused.index < len(forms) else None
    if row is not None and not (formset.can_delete and row.data.get(f"{row.prefix}-DELETE")):
        original = row.clean

        def clean():
            cleaned = original()
            add_errors(row, refused.error)
            return cleaned

        row.clean = clean
        return
    original_clean = formset.clean

    def formset_clean():
        original_clean()
        raise ValidationError(_("Row %(row)s: %(error)s") % {"row": (refused.index or 0) + 1, "error": refused.text})

    formset.clean = formset_clean
