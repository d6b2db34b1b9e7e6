"""The `style="..."` attributes the templates write, allowed by hash in the Content-Security-Policy.

No inline script is allowed at all. A few templates set a fixed style attribute; rather than allow
every inline style ('unsafe-inline'), the policy lists the SHA-256 of each fixed attribute value found
in the template folders ('unsafe-hashes'), so an injected style attribute is still refused. Computed
once per process; tests/security/test_headers.py checks that every page's attributes are covered.
"""

import base64
import functools
import hashlib
import re
from pathlib import Path

from django.apps import apps
from django.conf import settings

STYLE_ATTRIBUTE = re.compile(r'\sstyle="([^"{}]*)"')


def template_folders():
    for engine in settings.TEMPLATES:
        yield from (Path(folder) for folder in engine.get("DIRS", ()))
    for app in apps.get_app_configs():
        folder = Path(app.path) / "templates"
        if folder.is_dir() and str(settings.BASE_DIR) in str(folder):
            yield folder


def style_hash(value: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(value.encode()).digest()).decode()


@functools.cache
def style_attribute_hashes() -> tuple:
    values = set()
    for folder in template_folders():
        for template in folder.rglob("*.html"):
            values.update(STYLE_ATTRIBUTE.findall(template.read_text(encoding="utf-8")))
    return tuple(sorted(style_hash(value) for value in values))
