"""Words, not tokens: the reader's name and a one-line explanation of every stored token.

The pages show these (with the explanation on hover and focus), the filter menus offer them, and
/methodology/ lists them all. The tokens themselves (API values, CSV cells) never change. Each
label carries its group as translation context: "Reported" is a deal's status and a release's
confidence, and "Released" a person's status as well as a column heading, each worded apart.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


@dataclass(frozen=True)
class Term:
    group: str
    token: str
    label: str
    explanation: str

    @property
    def anchor(self):
        return f"{self.group}-{self.token}".replace("_", "-")


GROUPS = {
    "kind": (
        _("Kinds of release event"),
        {
            "pardon": (
                pgettext_lazy("release event kind", "Pardon"),
                _("Freed by a pardon decree; people stay in the country unless noted."),
            ),
            "deportation": (
                pgettext_lazy("release event kind", "Freed and expelled"),
                _("Pardoned or released and taken across a border, usually without a choice."),
            ),
            "exchange": (
                pgettext_lazy("release event kind", "Prisoner exchange"),
                _("Freed in return for people held by another country; several countries may release people."),
            ),
            "amnesty": (
                pgettext_lazy("release event kind", "Amnesty"),
                _("Freed under an amnesty law that covers a category of prisoners."),
            ),
            "end_of_sentence": (
                pgettext_lazy("release event kind", "Sentence served"),
                _("Freed at the end of the sentence."),
            ),
            "acquittal": (pgettext_lazy("release event kind", "Acquittal"), _("Freed after a court acquitted them.")),
            "other": (
                pgettext_lazy("release event kind", "Other release"),
                _("A release that fits none of the above, such as one foreign national freed alone."),
            ),
        },
    ),
    "deal_status": (
        _("Status of a deal"),
        {
            "reported": (
                pgettext_lazy("deal status", "Reported"),
                _("Described in the press; not announced by the parties."),
            ),
            "announced": (
                pgettext_lazy("deal status", "Announced"),
                _("Announced by a party; no legal act or date in force is recorded yet."),
            ),
            "implemented": (
                pgettext_lazy("deal status", "In force"),
                _("The relief took legal effect (a licence, delisting or waiver)."),
            ),
            "partially_implemented": (
                pgettext_lazy("deal status", "Partly in force"),
                _("Some of the announced relief took effect."),
            ),
            "reversed": (pgettext_lazy("deal status", "Reversed"), _("The relief was withdrawn after it took effect.")),
            "disputed": (
                pgettext_lazy("deal status", "Disputed"),
                _("The parties contradict each other about the deal."),
            ),
        },
    ),
    "status": (
        _("Status of a person"),
        {
            "detained": (pgettext_lazy("person status", "Detained"), _("Held, not sentenced (yet).")),
            "sentenced": (pgettext_lazy("person status", "Sentenced"), _("Convicted and held, serving the sentence.")),
            "released": (
                pgettext_lazy("person status", "Released"),
                _("Freed; their latest recorded release is a release."),
            ),
            "released_conditionally": (
                pgettext_lazy("person status", "Released with conditions"),
                _("Freed with conditions such as a travel ban or supervision."),
            ),
            "died_in_custody": (pgettext_lazy("person status", "Died in custody"), _("Died while held.")),
            "unknown": (
                pgettext_lazy("person status", "Status unknown"),
                _("The sources do not tell whether the person is held or free."),
            ),
        },
    ),
    "outcome": (
        _("Outcome of a release"),
        {
            "freed": (pgettext_lazy("release outcome", "Freed"), _("Released and free.")),
            "freed_conditionally": (
                pgettext_lazy("release outcome", "Freed with conditions"),
                _("Released with conditions (exile, bans)."),
            ),
            "returned_to_custody": (
                pgettext_lazy("release outcome", "Returned to custody"),
                _("Announced as freed but refused to leave the country, and was taken back to prison."),
            ),
        },
    ),
    "confidence": (
        _("Confidence in a release"),
        {
            "confirmed": (
                pgettext_lazy("release confidence", "Confirmed"),
                _("Confirmed by the person, their family or an official list."),
            ),
            "reported": (
                pgettext_lazy("release confidence", "Reported"),
                _("Reported by the press or rights groups, not yet confirmed."),
            ),
            "single_source": (pgettext_lazy("release confidence", "Single source"), _("Only one source reports it.")),
        },
    ),
    "gender": (
        _("Gender"),
        {
            "female": (pgettext_lazy("gender", "Woman"), _("As reported.")),
            "male": (pgettext_lazy("gender", "Man"), _("As reported.")),
            "other": (pgettext_lazy("gender", "Other"), _("As reported.")),
            "unknown": (pgettext_lazy("gender", "Not recorded"), _("The sources do not say.")),
        },
    ),
    "position": (
        _("What a party said about a deal"),
        {
            "links": (
                pgettext_lazy("claim position", "Links release and relief"),
                _("Says the release and the sanctions relief were connected."),
            ),
            "denies": (
                pgettext_lazy("claim position", "Denies an exchange"),
                _("Says the release was not traded for the relief."),
            ),
            "other": (pgettext_lazy("claim position", "Other statement"), _("Neither links nor denies.")),
        },
    ),
}


def term(group, token):
    """The Term for a token; an unknown token is shown as it is (never a crash)."""
    title, words = GROUPS[group]
    label, explanation = words.get(token, (token, ""))
    return Term(group=group, token=token, label=label, explanation=explanation)


def choices(group):
    """(token, reader's label) pairs for a filter menu: same values as the API accepts."""
    return [(token, label) for token, (label, _explanation) in GROUPS[group][1].items()]


def all_groups():
    """[(heading, [Term, ...]), ...] for the methodology page."""
    return [(title, [term(group, token) for token in words]) for group, (title, words) in GROUPS.items()]
