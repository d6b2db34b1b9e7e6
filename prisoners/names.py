"""Names across scripts: fold any spelling into comparable keys (owned by the names work, issue 6).

Interface used by the service layer, the import pipeline, the API, pages and admin:
- `refresh_name_keys(prisoner_ids)`: recompute the stored keys of these people after a write
  that bypassed the service layer (bulk import); the service layer calls it itself.
- `match_existing_prisoner(full_name, birth_date=None, aliases=())`: for an import row without
  external_id, returns (prisoner_id or None, unsure: bool).
"""


def refresh_name_keys(prisoner_ids):
    """Placeholder until the names work lands: nothing is stored yet."""
    return None


def match_existing_prisoner(full_name, birth_date=None, aliases=()):
    """Placeholder until the names work lands: never matches."""
    return None, False
