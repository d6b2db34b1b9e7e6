"""The downloadable template: every import column, a row saying what goes in it, and an example row.

Delete the description row before importing a filled template (it would be reported as a bad row).
"""

import csv
import io

from django.utils.translation import gettext_lazy as _

from imports.models import CANONICAL_COLUMNS

DESCRIPTIONS = {
    "external_id": _("Your stable key for the person (re-importing the file updates, never doubles)."),
    "full_name": _("Required. The name as it is published."),
    "native_name": _("The name in the person's own script."),
    "aliases": _("Other spellings, separated by |."),
    "citizenship": _("Country codes or English names, separated by |."),
    "country": _("The country that holds the person (ISO code or English name)."),
    "gender": _("female, male, other or unknown."),
    "birth_date": _("YYYY, YYYY-MM or YYYY-MM-DD."),
    "detained_on": _("Date of detention (YYYY, YYYY-MM or YYYY-MM-DD)."),
    "sentenced_on": _("Date of the sentence."),
    "sentence": _("The sentence as text."),
    "sentence_months": _("The term in whole months."),
    "charges": _("Articles or charges, separated by |."),
    "place_of_detention": _("Prison, colony or detention centre."),
    "status": _("Optional: derived from detention and release; detained, sentenced, released, ..."),
    "released_on": _("Date of release."),
    "release_event": _("The slug of a stored release event."),
    "destination": _("Country the person was released to."),
    "visibility": _("public, anonymized or private (blank: the job's default)."),
    "sources": _("Links or publication names, separated by |."),
    "notes": _("Anything else."),
}
EXAMPLE = {
    "external_id": "A-1",
    "full_name": "Ales Bialiatski",
    "native_name": "Алесь Бяляцкі",
    "aliases": "Ales Byalyatski|Alies Bialiacki",
    "citizenship": "BY",
    "country": "BY",
    "gender": "male",
    "birth_date": "1962-09-25",
    "detained_on": "2021-07-14",
    "sentenced_on": "2023-03-03",
    "sentence": "10 years, reinforced regime colony",
    "sentence_months": "120",
    "charges": "228|243",
    "place_of_detention": "Penal colony No. 9, Horki",
    "status": "",
    "released_on": "",
    "release_event": "",
    "destination": "",
    "visibility": "public",
    "sources": "https://example.org/people/1",
    "notes": "",
}


def template_rows():
    return [
        list(CANONICAL_COLUMNS),
        [str(DESCRIPTIONS[c]) for c in CANONICAL_COLUMNS],
        [EXAMPLE[c] for c in CANONICAL_COLUMNS],
    ]


def template_csv() -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(template_rows())
    return buffer.getvalue().encode("utf-8-sig")


def template_xlsx() -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("import")
    for row in template_rows():
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
