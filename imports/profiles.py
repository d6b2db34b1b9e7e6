"""Import profiles: the one door for saving them, their JSON files, and a sample read to map and preview.

`save_import_profile` checks a profile (a mapping that cannot mean one thing is refused) and saves it
with its history; `profile_file` / `load_profile_file` are the JSON files trackers share;
`read_sample` reads the header and first rows of a sample upload; `preview_rows` shows those rows as
they would be stored through a mapping.
"""

import codecs
import csv
import io
import json

from django.db import transaction
from django.utils.translation import gettext as _

from imports.errors import ImportFileError
from imports.mapping import ColumnMapping, cell_text
from imports.models import ImportJob, ImportProfile
from imports.readers import detect_encoding, sniff_upload, xlsx_header, xlsx_limits
from imports.rows import RowContext, clean_row
from imports.xlsx import XlsxSheet

SAMPLE_ROWS = 10
SAMPLE_MAX_BYTES = 4 * 1024 * 1024
PROFILE_FILE_FORMAT = "release-tracker-import-profile"


@transaction.atomic
def save_import_profile(*, profile: ImportProfile, user=None) -> ImportProfile:
    """Check and save a profile (raises ValidationError naming the part that cannot be used)."""
    if profile.pk is None and user is not None and user.is_authenticated:
        profile.created_by = user
    profile.full_clean()
    profile.save()
    return profile


def profile_file(profile: ImportProfile) -> dict:
    """A profile as the JSON file another tracker can load."""
    document = {"format": PROFILE_FILE_FORMAT, "version": 1, "name": profile.name, "description": profile.description}
    return document | {name: getattr(profile, name) for name in ImportProfile.MAPPING_FIELDS}


def load_profile_file(*, data: bytes, user=None) -> ImportProfile:
    """Create or replace the profile a JSON file describes (ValidationError when it is not one)."""
    from django.core.exceptions import ValidationError

    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValidationError(_("This is not a JSON file (%(reason)s).") % {"reason": exc}) from None
    if not isinstance(document, dict) or not isinstance(document.get("name"), str) or not document["name"].strip():
        raise ValidationError(_("A profile file is a JSON object with at least a name."))
    profile = ImportProfile.objects.filter(name=document["name"].strip()).first() or ImportProfile(
        name=document["name"].strip()[:100]
    )
    if isinstance(document.get("description"), str):
        profile.description = document["description"]
    for name in ImportProfile.MAPPING_FIELDS:
        if name in document:
            setattr(profile, name, document[name])
    return save_import_profile(profile=profile, user=user)


def read_sample(fileobj, file_name) -> dict:
    """{"format", "header", "rows"} of a sample upload: its header and first SAMPLE_ROWS rows, as text."""
    sniffed = sniff_upload(fileobj, file_name=file_name)
    data = fileobj.read(SAMPLE_MAX_BYTES)
    if sniffed.file_format == ImportJob.Format.XLSX:
        sheet = XlsxSheet(io.BytesIO(data), xlsx_limits())
        try:
            header = [cell_text(cell) for cell in xlsx_header(sheet)]
            rows = []
            for number, cells in sheet.rows():
                cells.pop(0, None)
                if number > 1 and cells:
                    rows.append([cell_text(cells.get(c)) for c in range(1, len(header) + 1)])
                if len(rows) >= SAMPLE_ROWS:
                    break
        finally:
            sheet.close()
        return {"format": "xlsx", "header": header, "rows": rows}
    encoding = detect_encoding(data[:65536])
    text = codecs.decode(data, encoding, errors="replace")
    if sniffed.file_format == ImportJob.Format.JSON:
        try:
            objects = json.loads(text.lstrip("\ufeff"))
        except json.JSONDecodeError:
            raise ImportFileError(_("Upload a complete JSON sample (a list of a few objects).")) from None
        objects = [o for o in objects if isinstance(o, dict)][:SAMPLE_ROWS] if isinstance(objects, list) else []
        header = list(dict.fromkeys(str(key) for obj in objects for key in obj))
        rows = [[_json_cell(obj.get(key)) for key in header] for obj in objects]
        return {"format": "json", "header": header, "rows": rows}
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    header = [cell.strip() for cell in next(reader, [])]
    rows = []
    for cells in reader:
        if any(cells):
            rows.append(cells)
        if len(rows) >= SAMPLE_ROWS:
            break
    return {"format": "csv", "header": header, "rows": rows}


def _json_cell(value):
    if isinstance(value, list):
        return [cell_text(item) for item in value]
    return cell_text(value)


def preview_rows(sample: dict, mapping: dict) -> list:
    """The sample's rows as they would be stored through `mapping`: a preview or the row's errors."""
    from releases.models import ReleaseEvent

    columns = ColumnMapping(sample["header"], mapping)
    events = {slug: (pk, on) for slug, pk, on in ReleaseEvent.objects.values_list("slug", "pk", "date")}
    context = RowContext(events=events)
    result = []
    for number, cells in enumerate(sample["rows"], start=1):
        values = columns.map_cells(list(cells))
        plan, errors = clean_row(number, values, context)
        entry = {"row": number, "line": number + 1}
        if plan is None:
            entry["errors"] = [
                {"field": field, "message": message, "column": columns.describe(values, field)[0]}
                for field, message in errors
            ]
        else:
            entry["stored"] = plan.preview("create")
            entry["stored"]["country"] = plan.country
        result.append(entry)
    return result
