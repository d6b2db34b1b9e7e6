"""Submit admin pages the way an editor does: take the page as served, change fields, add inline rows."""

from datetime import date, datetime

from django import forms


def _as_post_value(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "on" if value else None
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [str(getattr(v, "pk", getattr(v, "code", v))) for v in value]
    return str(getattr(value, "pk", value))


def _form_values(form):
    data = {}
    for bound in form:
        if isinstance(bound.field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField) and not bound.value():
            continue  # an empty multiple select sends nothing
        value = _as_post_value(bound.value())
        if value is not None:
            data[bound.html_name] = value
    return data


def page_data(response):
    """Everything the page would submit unchanged: the main form, every inline row and management form."""
    data = _form_values(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        data.update(_form_values(formset.management_form))
        for form in formset.initial_forms:
            data.update(_form_values(form))
    return data


def inline_formset(response, model):
    for inline in response.context["inline_admin_formsets"]:
        if inline.formset.model is model:
            return inline.formset
    raise AssertionError(f"no inline for {model.__name__} on this page")


def submit(client, url, fields=None, rows=None):
    """GET `url`, apply `fields`, append inline `rows` ({Model: [row dict, ...]}), POST it back.

    Returns the POST response; a successful save answers 302.
    """
    page = client.get(url)
    assert page.status_code == 200, page.status_code
    data = page_data(page)
    for name, value in (fields or {}).items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = _as_post_value(value)
    for model, new_rows in (rows or {}).items():
        formset = inline_formset(page, model)
        prefix = formset.prefix
        start = int(data[f"{prefix}-TOTAL_FORMS"])
        defaults = _form_values(formset.empty_form)  # what the browser's "add another" row carries
        for offset, row in enumerate(new_rows):
            index = str(start + offset)
            data.update({name.replace("__prefix__", index): value for name, value in defaults.items()})
            for name, value in row.items():
                converted = _as_post_value(value)
                if converted is not None:
                    data[f"{prefix}-{start + offset}-{name}"] = converted
        data[f"{prefix}-TOTAL_FORMS"] = str(start + len(new_rows))
    return client.post(url, data)


def errors_of(response):
    """The form and inline errors of a page that did not save, for assertion messages."""
    if response.status_code != 200 or not response.context:
        return {}
    found = {}
    adminform = response.context.get("adminform")
    if adminform and adminform.form.errors:
        found["form"] = adminform.form.errors
    for inline in response.context.get("inline_admin_formsets", []):
        formset = inline.formset
        if formset.non_form_errors() or any(formset.errors):
            found[formset.prefix] = {"non_form": formset.non_form_errors(), "forms": formset.errors}
    return found
