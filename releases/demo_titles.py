"""The demo's 22 release events titled in Belarusian, Russian and Ukrainian (demo_data/event-titles.json).

Written through the service layer, and only where a language's title is still empty, so running the
demo again never overwrites an editor's translation.
"""

import json
from pathlib import Path

from releases.models import ReleaseEvent
from releases.services import update_release_event

TITLES_FILE = Path(__file__).resolve().parent / "demo_data" / "event-titles.json"
LANGUAGES = ("be", "ru", "uk")


def apply_demo_title_translations(*, actor=None, path: Path = TITLES_FILE) -> int:
    """Give each demo event its missing translated titles; returns how many events changed."""
    titles = json.loads(path.read_text(encoding="utf-8"))
    changed = 0
    for event in ReleaseEvent.objects.filter(slug__in=titles):
        missing = {
            f"title_{language}": titles[event.slug][language]
            for language in LANGUAGES
            if titles[event.slug].get(language) and not getattr(event, f"title_{language}")
        }
        if missing:
            update_release_event(actor=actor, event=event, **missing)
            changed += 1
    return changed
