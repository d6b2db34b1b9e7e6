"""What a reader reads on a page: visible text and the attributes screen readers speak.

Text inside an element marked lang="en" (an untranslated record text, a name's Latin form) is left
out: that is content shown in English on purpose, with a note, not interface.
"""

from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
SPOKEN_ATTRIBUTES = ("aria-label", "title", "placeholder", "alt")
HIDDEN = {"script", "style"}


class _Reader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack = []  # (tag, english, hidden)
        self.parts = []

    def _inside(self):
        english = any(item[1] for item in self.stack)
        hidden = any(item[2] for item in self.stack)
        return english, hidden

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        english, hidden = self._inside()
        lang = (attrs.get("lang") or "").lower()
        is_english = english or lang == "en" or lang.startswith("en-")
        if not is_english and not hidden:
            self.parts.extend(attrs[name] for name in SPOKEN_ATTRIBUTES if attrs.get(name))
            if tag == "meta" and attrs.get("name") == "description":
                self.parts.append(attrs.get("content") or "")
        if tag not in VOID:
            self.stack.append((tag, is_english, hidden or tag in HIDDEN))

    def handle_startendtag(self, tag, attrs):
        english, hidden = self._inside()
        if not english and not hidden:
            self.parts.extend(value for name, value in attrs if name in SPOKEN_ATTRIBUTES and value)

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                break

    def handle_data(self, data):
        english, hidden = self._inside()
        if not english and not hidden and data.strip():
            self.parts.append(data)


def reader_text(html: str) -> str:
    parser = _Reader()
    parser.feed(html)
    parser.close()
    return " ".join(" ".join(parser.parts).split())
