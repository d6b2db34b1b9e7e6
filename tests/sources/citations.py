"""Reading a page as a journalist would: every figure (`<data value>`) and what it cites."""

import re
from html.parser import HTMLParser

REF = re.compile(r'href="#src-(\d+)"')


def cited_links(html, fragment):
    """The addresses of the sources that the references in `fragment` point to, in the page's one source list."""
    links = []
    for number in REF.findall(fragment):
        match = re.search(rf'<li id="src-{number}" value="{number}">\s*<a href="([^"]+)"', html)
        assert match, f"reference [{number}] has no entry in the page's source list"
        links.append(match.group(1))
    return links


class FigureParser(HTMLParser):
    """Every `<data value>` with whether it sits inside a link, or right before a reference list with a link."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack = []  # open elements: [tag, attrs, has_link_inside]
        self.figures = []  # {"value", "in_link", "refs_after"}
        self.last_closed = None  # the figure (or its wrapper) just closed, waiting for its next sibling

    VOID = {"br", "img", "input", "meta", "link", "hr", "rect", "circle", "line", "path", "source"}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if self.last_closed is not None:
            figure, depth = self.last_closed
            if len(self.stack) == depth and tag == "span" and "refs" in (attrs.get("class") or "").split():
                figure["refs_after"] = True
            self.last_closed = None
        if tag == "data":
            in_link = any(element[0] == "a" and element[1].get("href") for element in self.stack)
            self.figures.append({"value": attrs.get("value"), "in_link": in_link, "refs_after": False})
        if tag not in self.VOID:
            self.stack.append([tag, attrs, len(self.figures)])

    def handle_endtag(self, tag):
        while self.stack:
            element = self.stack.pop()
            if element[0] == tag:
                break
        # A figure's next sibling (or its wrapper's, e.g. <strong><data>..</data></strong>) may be its references.
        if tag in ("data", "strong") and self.figures:
            self.last_closed = (self.figures[-1], len(self.stack))

    def handle_data(self, data):
        if data.strip():
            self.last_closed = None


def figures_of(html):
    parser = FigureParser()
    parser.feed(html)
    return parser.figures


def uncited(html):
    """Figures with neither a link around them nor references right after them."""
    return [figure for figure in figures_of(html) if not (figure["in_link"] or figure["refs_after"])]
