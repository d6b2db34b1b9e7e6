from django import forms
from django.utils.translation import gettext_lazy as _

from corrections.models import CONTACT_MAX, SOURCE_LINK_MAX, WHAT_IS_WRONG_MAX


class ReportForm(forms.Form):
    what_is_wrong = forms.CharField(
        label=_("What is wrong?"),
        max_length=WHAT_IS_WRONG_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Which fact, and what it should say."),
    )
    source_link = forms.URLField(
        label=_("A source that shows it (optional)"), max_length=SOURCE_LINK_MAX, required=False, assume_scheme="https"
    )
    contact = forms.CharField(
        label=_("How to reach you (optional)"),
        max_length=CONTACT_MAX,
        required=False,
        help_text=_("Only staff see it; it is never published."),
    )
    # A honeypot: hidden from people by CSS, filled in by bots.
    website = forms.CharField(label=_("Leave this empty"), required=False)
