"""Admin: an event's freed people as a work list (`<event>/people/`), with bulk changes.

A page per release event that holds a thousand people: paginated, searchable (`prisoners.search`),
sortable, one compact row per person. Bulk actions (destination, conditions, confidence, sources,
outcome) write every selected release through `releases.services.update_release` in one transaction:
if the service refuses one row, nothing is written and the page names the row. Staff without
`prisoners.view_withheld` never see a withheld person here (`prisoners.visibility`).
"""

from django import forms
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import AutocompleteSelectMultiple
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Case, Count, Value, When
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from prisoners.admin_choices import CountryInput
from prisoners.models import Prisoner
from prisoners.search import search_prisoners
from prisoners.visibility import display_name, nameable_prisoners, visible_sources
from releases.models import Release
from releases.services import update_release

CONDITIONS = ("forced_exile", "without_documents", "travel_ban", "speaking_ban")
PAGE_SIZES = (50, 100, 200, 500)
DEFAULT_PAGE_SIZE = 100
SEARCHED = 1000  # the best matches of a search the list holds
# ?o= values: the column and its database ordering.
SORTS = {
    "name": ("prisoner__full_name", "pk"),
    "born": ("prisoner__birth_date", "prisoner__full_name", "pk"),
    "destination": ("destination__country", "prisoner__full_name", "pk"),
    "outcome": ("outcome", "prisoner__full_name", "pk"),
    "confidence": ("confidence", "prisoner__full_name", "pk"),
    "sources": ("source_count", "prisoner__full_name", "pk"),
    "added": ("created_at", "pk"),
}
KEEP = ""
TRI_STATE = [(KEEP, gettext_lazy("keep")), ("yes", gettext_lazy("yes")), ("no", gettext_lazy("no"))]


def _release_model(event):
    return event.releases.model


class BulkReleaseForm(forms.Form):
    """What a bulk action sets on every selected release; blank fields are left as they are."""

    ACTIONS = [
        ("destination", gettext_lazy("Set destination")),
        ("conditions", gettext_lazy("Set conditions")),
        ("confidence", gettext_lazy("Set confidence")),
        ("outcome", gettext_lazy("Set outcome")),
        ("add_sources", gettext_lazy("Add sources")),
        ("set_sources", gettext_lazy("Replace sources")),
    ]
    action = forms.ChoiceField(label=gettext_lazy("Action"), choices=ACTIONS)
    destination = forms.CharField(
        label=gettext_lazy("Destination"), required=False, widget=CountryInput(), max_length=100
    )
    confidence = forms.ChoiceField(label=gettext_lazy("Confidence"), required=False)
    outcome = forms.ChoiceField(label=gettext_lazy("Outcome"), required=False)

    def __init__(self, *args, user, release_model, admin_site, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["confidence"].choices = [("", "—"), *release_model.Confidence.choices]
        self.fields["outcome"].choices = [("", "—"), *release_model.Outcome.choices]
        for name in CONDITIONS:
            self.fields[name] = forms.ChoiceField(
                label=release_model._meta.get_field(name).verbose_name, choices=TRI_STATE, required=False
            )
        self.fields["sources"] = forms.ModelMultipleChoiceField(
            label=gettext_lazy("Sources"),
            queryset=visible_sources(user),
            required=False,
            widget=AutocompleteSelectMultiple(release_model._meta.get_field("sources"), admin_site),
        )

    def clean(self):
        cleaned = super().clean()
        action = cleaned.get("action")
        needs = {"destination": "destination", "confidence": "confidence", "outcome": "outcome"}
        if action in needs and not cleaned.get(needs[action]):
            self.add_error(needs[action], _("Choose a value for this action."))
        if action == "add_sources" and not cleaned.get("sources"):
            self.add_error("sources", _("Choose at least one source."))
        if action == "conditions" and all(cleaned.get(name, KEEP) == KEEP for name in CONDITIONS):
            self.add_error(None, _("Set at least one condition to yes or no."))
        return cleaned

    def changes_for(self, release, current_sources):
        """The keyword arguments of `update_release` for one release: (fields, sources or None)."""
        data, action = self.cleaned_data, self.cleaned_data["action"]
        if action == "destination":
            return {"destination": data["destination"]}, None
        if action in ("confidence", "outcome"):
            return {action: data[action]}, None
        if action == "conditions":
            return {name: data[name] == "yes" for name in CONDITIONS if data.get(name, KEEP) != KEEP}, None
        chosen = list(data["sources"])
        if action == "add_sources":
            return {}, list({source.pk: source for source in [*current_sources, *chosen]}.values())
        return {}, chosen


def event_people_queryset(user, event, search=""):
    """The event's releases of people this reader may name, with their source counts."""
    releases = event.releases.filter(prisoner__in=nameable_prisoners(user)).select_related("prisoner", "destination")
    releases = releases.annotate(source_count=Count("sources", distinct=True))
    if search.strip():
        # Evaluated first (the search's raw SQL names the people table, which a subquery would alias), best first.
        matches = list(search_prisoners(Prisoner.objects.all(), search, user).values_list("pk", flat=True)[:SEARCHED])
        rank = Case(*(When(prisoner_id=pk, then=Value(i)) for i, pk in enumerate(matches)), default=Value(len(matches)))
        releases = releases.filter(prisoner__in=matches).annotate(search_rank=rank)
    return releases


class EventPeopleAdminMixin:
    """For the release event admin: the `people/` work list of one event and its bulk actions."""

    def event_people_urls(self):
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path(
                "<path:object_id>/people/",
                self.admin_site.admin_view(self.people_view),
                name=f"{prefix}_people",
            ),
        ]

    def _event_or_404(self, request, object_id):
        event = get_object_or_404(self.model, pk=unquote(object_id))
        if not self.has_view_or_change_permission(request, event):
            raise PermissionDenied
        return event

    def _may_change_releases(self, request):
        return request.user.has_perm("releases.change_release")

    def people_view(self, request, object_id):
        event = self._event_or_404(request, object_id)
        release_model = _release_model(event)
        search = request.GET.get("q", "")
        sort = request.GET.get("o", "rank" if search.strip() else "name")
        descending = sort.startswith("-")
        column = sort.lstrip("-")
        if column == "rank" and search.strip():
            pass  # best match first
        elif column not in SORTS:
            column, descending = "name", False
        order = ("search_rank", "prisoner__full_name", "pk") if column == "rank" else SORTS[column]
        ordering = [f"-{name}" if descending and i == 0 else name for i, name in enumerate(order)]
        try:
            per_page = int(request.GET.get("per_page", DEFAULT_PAGE_SIZE))
        except ValueError:
            per_page = DEFAULT_PAGE_SIZE
        per_page = per_page if per_page in PAGE_SIZES else DEFAULT_PAGE_SIZE
        releases = event_people_queryset(request.user, event, search).order_by(*ordering)
        form = BulkReleaseForm(
            request.POST or None, user=request.user, release_model=release_model, admin_site=self.admin_site
        )
        if request.method == "POST":
            if not self._may_change_releases(request):
                raise PermissionDenied
            response = self._bulk_change(request, form, releases)
            if response is not None:
                return response
        paginator = Paginator(releases, per_page)
        try:
            page = paginator.page(request.GET.get("p", 1))
        except Exception:  # a page out of range or not a number: the first
            page = paginator.page(1)
        rows = list(page.object_list)
        for release in rows:
            release.person_name = display_name(request.user, release.prisoner)
        base = {"q": search, "per_page": per_page}
        columns = [
            (key, label, urlencode({**base, "o": f"-{key}" if key == column and not descending else key}))
            for key, label in (
                ("name", _("Name")),
                ("born", _("Born")),
                ("destination", _("Destination")),
                ("outcome", _("Outcome")),
                ("confidence", _("Confidence")),
                ("sources", _("Sources")),
            )
        ]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": event,
            "event": event,
            "title": _("People freed in %(event)s") % {"event": event},
            "page": page,
            "rows": rows,
            "form": form,
            "media": self.media + form.media,
            "search": search,
            "sort": sort,
            "sort_column": column,
            "descending": descending,
            "columns": columns,
            "per_page": per_page,
            "page_sizes": PAGE_SIZES,
            "query": urlencode({**base, "o": sort}),
            "total": paginator.count,
            "may_change": self._may_change_releases(request),
            "may_add": request.user.has_perm("releases.add_release"),
            "condition_names": CONDITIONS,
            "change_url": reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[event.pk]),
            "paste_url": reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_paste", args=[event.pk]),
        }
        return TemplateResponse(request, "admin/releases/releaseevent/people.html", context)

    def _bulk_change(self, request, form, releases):
        """Apply the bulk form to the selected rows (or every row matching the search); None: show errors."""
        if not form.is_valid():
            return None
        if request.POST.get("select_across") == "1":
            selected = releases
        else:
            ids = [value for value in request.POST.getlist("_selected") if value.isdigit()]
            if not ids:
                messages.warning(request, _("Select the people to change first."))
                return None
            selected = releases.filter(pk__in=ids)
        selected = list(selected.order_by("prisoner__full_name", "pk").prefetch_related("sources"))
        done = 0
        try:
            with transaction.atomic():
                for release in selected:
                    fields, sources = form.changes_for(release, list(release.sources.all()))
                    try:
                        update_release(actor=request.user, release=release, sources=sources, **fields)
                    except ValidationError as error:
                        raise _RowRefused(release, error) from error
                    done += 1
        except _RowRefused as refused:
            messages.error(
                request,
                _("Nothing was changed: %(name)s: %(error)s")
                % {
                    "name": display_name(request.user, refused.release.prisoner),
                    "error": " ".join(refused.error.messages),
                },
            )
            return HttpResponseRedirect(request.get_full_path())
        messages.success(request, _("Changed %(count)d people.") % {"count": done})
        return HttpResponseRedirect(request.get_full_path())


class _RowRefused(Exception):
    def __init__(self, release, error):
        super().__init__(error)
        self.release = release
        self.error = error


def people_link(event_id, user):
    """The count of the event's freed people this reader may name, for the event's change page."""
    if not str(event_id).isdigit():
        return 0
    return Release.objects.filter(event_id=event_id, prisoner__in=nameable_prisoners(user)).count()
