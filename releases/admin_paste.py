"""Admin: add people to an event by pasting names (`<event>/people/paste/`).

1. The editor pastes one name per line, any spelling or script, optionally followed by a destination
   (after a tab, or after the last comma when what follows is a country).
2. Each line is matched: the import's identity match (`prisoners.names.matching`, same name in any script
   and word order) proposes a person; the name search (`prisoners.search`) lists candidates with their
   birth years. The editor picks a person, "new person" or "skip" for every line (a line naming the same
   person as an earlier one, or someone already in the event, is proposed as skipped).
3. On confirmation every line is written in one transaction through the services: new people with
   `create_prisoner`, releases with `record_release` (the event's sources attached by default), and a
   pasted spelling the person did not have yet kept as a name variant. A refusal writes nothing and
   names the line.
"""

import re
from dataclasses import dataclass, field

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from unidecode import unidecode

from prisoners import services as prisoner_services
from prisoners.admin_choices import CountryInput
from prisoners.models import Prisoner
from prisoners.names.folding import identity_keys
from prisoners.names.matching import match_existing_prisoners
from prisoners.search import search_prisoners
from prisoners.visibility import display_name, nameable_prisoners
from releases import services as release_services
from tracker.values import parse_country

MAX_LINES = 2000
CANDIDATES_SHOWN = 5
NEW, SKIP = "new", "skip"
_SPLIT = re.compile(r"\t+")


@dataclass
class PastedLine:
    number: int
    name: str
    destination: str = ""  # a country code, or "" for none
    destination_error: str = ""
    candidates: list = field(default_factory=list)  # people, best first
    choice: str = NEW  # a person's id, NEW or SKIP
    note: str = ""


def parse_lines(text, default_destination=""):
    """Pasted text -> lines of (name, destination code); a destination that is not a country is an error."""
    lines = []
    for raw in (text or "").splitlines():
        raw = raw.strip()
        if not raw:
            continue
        name, destination = raw, ""
        parts = _SPLIT.split(raw)
        if len(parts) >= 2:
            name, destination = parts[0].strip(), parts[1].strip()
        elif "," in raw:
            head, tail = raw.rsplit(",", 1)
            try:
                parse_country(tail)
            except ValidationError:
                pass  # "Surname, Given": the comma belongs to the name
            else:
                name, destination = head.strip(), tail.strip()
        line = PastedLine(number=len(lines) + 1, name=" ".join(name.split()))
        destination = destination or default_destination
        if destination:
            try:
                line.destination = parse_country(destination)
            except ValidationError as error:
                line.destination_error = " ".join(error.messages)
        lines.append(line)
    return lines


def match_lines(lines, *, user, event):
    """Candidates and a proposed choice for every line (a fixed number of queries plus one search per line)."""
    matches = match_existing_prisoners([(line.name, None, ()) for line in lines])
    in_event = set(event.releases.values_list("prisoner_id", flat=True)) if event.pk else set()
    nameable = nameable_prisoners(user)
    proposed = {pk for pk, _unsure in matches if pk}
    known = {person.pk: person for person in nameable.filter(pk__in=proposed)}
    seen_new = {}  # identity key -> line number of the first new person with it
    seen_people = {}  # person id -> the first line naming them
    for line, (match_id, unsure) in zip(lines, matches, strict=True):
        candidates = list(search_prisoners(Prisoner.objects.all(), line.name, user)[:CANDIDATES_SHOWN])
        if match_id in known and all(person.pk != match_id for person in candidates):
            candidates.insert(0, known[match_id])
        line.candidates = candidates
        if match_id in known:
            line.choice = str(match_id)
            if match_id in in_event:
                line.choice, line.note = SKIP, _("Already recorded in this event.")
            elif match_id in seen_people:
                line.choice = SKIP
                line.note = _("The same person as line %(line)s.") % {"line": seen_people[match_id]}
            else:
                seen_people[match_id] = line.number
                if unsure:
                    line.note = _("Several people or birth dates could fit: check.")
            continue
        whole, _parts = identity_keys(line.name)
        earlier = next((seen_new[key] for key in whole if key in seen_new), None)
        if earlier is not None:
            line.choice = SKIP
            line.note = _("The same name as line %(line)s.") % {"line": earlier}
            continue
        for key in whole:
            seen_new.setdefault(key, line.number)
        if candidates:
            line.note = _("Similar names exist: pick one if it is the same person.")
    return lines


class PasteForm(forms.Form):
    names = forms.CharField(
        label=gettext_lazy("Names, one per line"),
        widget=forms.Textarea(attrs={"rows": 16}),
        help_text=gettext_lazy(
            "Any spelling or script. A destination may follow the name after a tab or a comma "
            '("Maria Kalesnikava, Lithuania").'
        ),
    )
    destination = forms.CharField(
        label=gettext_lazy("Destination for lines without one"), required=False, widget=CountryInput()
    )
    confidence = forms.ChoiceField(label=gettext_lazy("Confidence"))
    attach_event_sources = forms.BooleanField(
        label=gettext_lazy("Attach the event's sources to every release"), required=False, initial=True
    )

    def __init__(self, *args, release_model, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["confidence"].choices = release_model.Confidence.choices
        self.fields["confidence"].initial = release_model.Confidence.REPORTED

    def clean_destination(self):
        value = self.cleaned_data["destination"].strip()
        return parse_country(value) if value else ""

    def clean_names(self):
        lines = [line for line in self.cleaned_data["names"].splitlines() if line.strip()]
        if not lines:
            raise ValidationError(_("Paste at least one name."))
        if len(lines) > MAX_LINES:
            raise ValidationError(_("At most %(max)d lines at a time.") % {"max": MAX_LINES})
        return self.cleaned_data["names"]


def new_person_fields(name):
    """A new person's names from a pasted spelling: a Latin display name, the original as native name."""
    if name.isascii():
        return {"full_name": name}
    return {"full_name": unidecode(name).strip() or name, "native_name": name}


@transaction.atomic
def record_pasted_lines(*, actor, event, lines, choices, confidence, sources):
    """Write every line as the editor chose: new people, releases, spellings kept. All or nothing."""
    created, people, count = 0, {}, 0
    ids = {int(choice) for choice in choices.values() if choice.isdigit()}
    existing = nameable_prisoners(actor).in_bulk(ids)
    for line in lines:
        choice = choices.get(line.number, NEW)
        if choice == SKIP:
            continue
        try:
            if line.destination_error:
                raise ValidationError({"destination": line.destination_error})
            if choice == NEW:
                person = prisoner_services.create_prisoner(actor=actor, **new_person_fields(line.name))
                created += 1
            else:
                person = existing.get(int(choice)) if choice.isdigit() else None
                if person is None:
                    raise ValidationError(_("No such person."))
                if line.name not in (person.full_name, person.native_name):
                    prisoner_services.add_name_variant(actor=actor, prisoner=person, name=line.name)
            if person.pk in people:
                raise ValidationError(_("This person is already on line %(line)s.") % {"line": people[person.pk]})
            people[person.pk] = line.number
            release_services.record_release(
                actor=actor,
                prisoner=person,
                event=event,
                destination=line.destination or None,
                confidence=confidence,
                sources=sources,
            )
            count += 1
        except ValidationError as error:
            raise LineRefused(line, error) from error
    return count, created


class LineRefused(Exception):
    def __init__(self, line, error):
        super().__init__(error)
        self.line = line
        self.error = error

    @property
    def text(self):
        return " ".join(self.error.messages)


class EventPasteAdminMixin:
    """For the release event admin: the `people/paste/` page."""

    def event_paste_urls(self):
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path(
                "<path:object_id>/people/paste/",
                self.admin_site.admin_view(self.paste_view),
                name=f"{prefix}_paste",
            ),
        ]

    def paste_view(self, request, object_id):
        event = self._event_or_404(request, object_id)
        user = request.user
        if not (user.has_perm("releases.add_release") and self.has_view_or_change_permission(request, event)):
            raise PermissionDenied
        release_model = event.releases.model
        form = PasteForm(request.POST or None, release_model=release_model)
        lines, error = None, None
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            lines = match_lines(parse_lines(data["names"], data["destination"]), user=user, event=event)
            if request.POST.get("step") == "confirm":
                choices = {line.number: request.POST.get(f"choice-{line.number}", line.choice) for line in lines}
                if any(choice == NEW for choice in choices.values()) and not user.has_perm("prisoners.add_prisoner"):
                    raise PermissionDenied
                sources = list(event.sources.all()) if data["attach_event_sources"] else []
                try:
                    count, new = record_pasted_lines(
                        actor=user,
                        event=event,
                        lines=lines,
                        choices=choices,
                        confidence=data["confidence"],
                        sources=sources,
                    )
                except LineRefused as refused:
                    error = _("Nothing was written. Line %(line)s (%(name)s): %(error)s") % {
                        "line": refused.line.number,
                        "name": refused.line.name,
                        "error": refused.text,
                    }
                    for line in lines:
                        line.choice = choices.get(line.number, line.choice)
                else:
                    messages.success(
                        request,
                        _("Recorded %(count)d people in this event (%(new)d new).") % {"count": count, "new": new},
                    )
                    people = reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_people", args=[event.pk])
                    return HttpResponseRedirect(people)
        for line in lines or []:
            line.options = [(str(person.pk), _candidate_label(user, person)) for person in line.candidates]
            line.error_here = False
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": event,
            "event": event,
            "title": _("Add people to %(event)s by pasting names") % {"event": event},
            "form": form,
            "media": self.media + form.media,
            "lines": lines,
            "error": error,
            "new_count": sum(1 for line in lines or [] if line.choice == NEW),
            "event_source_count": event.sources.count(),
            "people_url": reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_people", args=[event.pk]),
        }
        return TemplateResponse(request, "admin/releases/releaseevent/paste.html", context)


def _candidate_label(user, person):
    born = person.birth_date.year if person.birth_date else "?"
    label = _("%(name)s, born %(born)s, #%(id)s") % {"name": display_name(user, person), "born": born, "id": person.pk}
    if person.native_name:
        label += f" ({person.native_name})"
    return label
