"""Words, not tokens: the reader's name and a one-line explanation of every stored token.

The pages show these (with the explanation on hover and focus), the filter menus offer them, and
/methodology/ lists them all. The tokens themselves (API values, CSV cells) never change.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


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
            "pardon": (_("Pardon"), _("Freed by a pardon decree; people stay in the country unless noted.")),
            "deportation": (
                _("Freed and expelled"),
                _("Pardoned or released and taken across a border, usually without a choice."),
            ),
            "exchange": (
                _("Prisoner exchange"),
                _("Freed in return for people held by another country; several countries may release people."),
            ),
            "amnesty": (_("Amnesty"), _("Freed under an amnesty law that covers a category of prisoners.")),
            "end_of_sentence": (_("Sentence served"), _("Freed at the end of the sentence.")),
            "acquittal": (_("Acquittal"), _("Freed after a court acquitted them.")),
            "other": (
                _("Other release"),
                _("A release that fits none of the above, such as one foreign national freed alone."),
            ),
        },
    ),
    "deal_status": (
        _("Status of a deal"),
        {
            "reported": (_("Reported"), _("Described in the press; not announced by the parties.")),
            "announced": (_("Announced"), _("Announced by a party; no legal act or date in force is recorded yet.")),
            "implemented": (_("In force"), _("The relief took legal effect (a licence, delisting or waiver).")),
            "partially_implemented": (_("Partly in force"), _("Some of the announced relief took effect.")),
            "reversed": (_("Reversed"), _("The relief was withdrawn after it took effect.")),
            "disputed": (_("Disputed"), _("The parties contradict each other about the deal.")),
        },
    ),
    "status": (
        _("Status of a person"),
        {
            "detained": (_("Detained"), _("Held, not sentenced (yet).")),
            "sentenced": (_("Sentenced"), _("Convicted and held, serving the sentence.")),
            "released": (_("Released"), _("Freed; their latest recorded release is a release.")),
            "released_conditionally": (
                _("Released with conditions"),
                _("Freed with conditions such as a travel ban or supervision."),
            ),
            "died_in_custody": (_("Died in custody"), _("Died while held.")),
            "unknown": (_("Status unknown"), _("The sources do not tell whether the person is held or free.")),
        },
    ),
    "outcome": (
        _("Outcome of a release"),
        {
            "freed": (_("Freed"), _("Released and free.")),
            "freed_conditionally": (_("Freed with conditions"), _("Released with conditions (exile, bans).")),
            "returned_to_custody": (
                _("Returned to custody"),
                _("Announced as freed but refused to leave the country, and was taken back to prison."),
            ),
        },
    ),
    "confidence": (
        _("Confidence in a release"),
        {
            "confirmed": (_("Confirmed"), _("Confirmed by the person, their family or an official list.")),
            "reported": (_("Reported"), _("Reported by the press or rights groups, not yet confirmed.")),
            "single_source": (_("Single source"), _("Only one source reports it.")),
        },
    ),
    "gender": (
        _("Gender"),
        {
            "female": (_("Woman"), _("As reported.")),
            "male": (_("Man"), _("As reported.")),
            "other": (_("Other"), _("As reported.")),
            "unknown": (_("Not recorded"), _("The sources do not say.")),
        },
    ),
    "position": (
        _("What a party said about a deal"),
        {
            "links": (_("Links release and relief"), _("Says the release and the sanctions relief were connected.")),
            "denies": (_("Denies an exchange"), _("Says the release was not traded for the relief.")),
            "other": (_("Other statement"), _("Neither links nor denies.")),
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
