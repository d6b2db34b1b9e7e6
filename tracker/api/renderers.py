"""The browsable API, read-only: its write forms would list every related record (names of withheld people
in a <select>, a million rows of options); writers use JSON (see the docs at /api/docs/)."""

from rest_framework.renderers import BrowsableAPIRenderer


class ReadOnlyBrowsableAPIRenderer(BrowsableAPIRenderer):
    def get_rendered_html_form(self, data, view, method, request):
        return None

    def get_raw_data_form(self, data, view, method, request):
        return None
