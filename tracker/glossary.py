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
            "house_arrest": (
                pgettext_lazy("person status", "House arrest"),
                _("Held at home under a court's or investigator's order."),
            ),
            "restricted_freedom": (
                pgettext_lazy("person status", "Restricted freedom"),
                _("Serving a sentence of restricted freedom (an open facility or supervision): not free."),
            ),
            "disappeared": (
                pgettext_lazy("person status", "Disappeared"),
                _("Taken by the authorities; whereabouts unknown."),
            ),
        },
    ),
    "recognition": (
        _("Recognition as a political prisoner"),
        {
            "recognised": (
                pgettext_lazy("recognition", "Political prisoner"),
                _("Recognised as a political prisoner by a rights group."),
            ),
            "prosecuted_not_recognised": (
                pgettext_lazy("recognition", "Prosecuted, not recognised"),
                _("Prosecuted for political reasons but not (yet) recognised as a political prisoner."),
            ),
            "unknown": (pgettext_lazy("recognition", "Recognition not recorded"), _("The sources do not say.")),
        },
    ),
    "regime": (
        _("How a person is held"),
        {
            "custody": (pgettext_lazy("regime", "In custody"), _("Held in a prison, a pre-trial centre or a camp.")),
            "house_arrest": (pgettext_lazy("regime", "House arrest"), _("Held at home.")),
            "restricted_freedom": (
                pgettext_lazy("regime", "Restricted freedom"),
                _("Restricted freedom or another non-custodial sentence."),
            ),
        },
    ),
    "role": (
        _("Role of a party"),
        {
            "releasing": (pgettext_lazy("role", "Released the people"), _("The state or government that freed them.")),
            "receiving": (pgettext_lazy("role", "Received the people"), _("The state that took them in.")),
            "counterparty": (pgettext_lazy("role", "Counterparty"), _("The other side of an exchange or a deal.")),
            "mediator": (
                pgettext_lazy("role", "Mediator"),
                _("Brokered the release: a third state, a church, an organisation."),
            ),
            "host": (pgettext_lazy("role", "Host"), _("Where the exchange or the talks took place.")),
            "envoy": (pgettext_lazy("role", "Envoy"), _("A person sent to negotiate.")),
            "guarantor": (pgettext_lazy("role", "Guarantor"), _("Vouched that the terms would be kept.")),
            "grantor": (pgettext_lazy("role", "Gave something in return"), _("Gave a consideration of the deal.")),
            "other": (pgettext_lazy("role", "Other role"), _("A role not listed above.")),
        },
    ),
    "party_kind": (
        _("Kind of party"),
        {
            "state": (pgettext_lazy("party kind", "State"), _("A country.")),
            "government": (pgettext_lazy("party kind", "Government"), _("A government or one of its bodies.")),
            "bloc": (pgettext_lazy("party kind", "Bloc of states"), _("Such as the European Union.")),
            "person": (pgettext_lazy("party kind", "Person"), _("An envoy or an official acting in person.")),
            "religious_body": (
                pgettext_lazy("party kind", "Church or religious body"),
                _("Such as a church or the Holy See."),
            ),
            "international_organisation": (
                pgettext_lazy("party kind", "International organisation"),
                _("Such as the UN or the ICRC."),
            ),
            "organisation": (
                pgettext_lazy("party kind", "Organisation"),
                _("A charity, a company or another organisation."),
            ),
            "other": (pgettext_lazy("party kind", "Other party"), _("A party of another kind.")),
        },
    ),
    "consideration_kind": (
        _("What was given in return"),
        {
            "sanctions_delisting": (
                pgettext_lazy("consideration kind", "Sanctions delisting"),
                _("People or companies removed from a sanctions list."),
            ),
            "sanctions_general_license": (
                pgettext_lazy("consideration kind", "General licence"),
                _("A licence that allows dealings despite sanctions."),
            ),
            "sanctions_specific_license": (
                pgettext_lazy("consideration kind", "Specific licence"),
                _("A licence for one named party."),
            ),
            "sanctions_other": (
                pgettext_lazy("consideration kind", "Other sanctions relief"),
                _("A waiver or another easing of sanctions."),
            ),
            "state_list_removal": (
                pgettext_lazy("consideration kind", "Removed from a state list"),
                _("Such as removal from a list of state sponsors of terrorism."),
            ),
            "clemency": (
                pgettext_lazy("consideration kind", "Clemency"),
                _("A pardon or commutation for a person held by the other side."),
            ),
            "prisoner_release": (
                pgettext_lazy("consideration kind", "Release of a prisoner"),
                _("The other side freed a person it held."),
            ),
            "return_of_nationals": (
                pgettext_lazy("consideration kind", "Return of nationals"),
                _("Deported or detained nationals returned."),
            ),
            "humanitarian_parole": (
                pgettext_lazy("consideration kind", "Humanitarian parole"),
                _("Entry granted on humanitarian grounds."),
            ),
            "visas": (
                pgettext_lazy("consideration kind", "Visas"),
                _("Visas granted to the people freed or their families."),
            ),
            "resettlement": (
                pgettext_lazy("consideration kind", "Resettlement"),
                _("The people freed were resettled in a third country."),
            ),
            "payment": (pgettext_lazy("consideration kind", "Payment"), _("Money paid or released.")),
            "none": (
                pgettext_lazy("consideration kind", "Nothing in return"),
                _("A party said nothing was given in return."),
            ),
            "other": (pgettext_lazy("consideration kind", "Other"), _("A consideration of another kind.")),
        },
    ),
    "consideration_status": (
        _("Status of a consideration"),
        {
            "reported": (
                pgettext_lazy("consideration status", "Reported"),
                _("Described in the press; not announced by a party."),
            ),
            "announced": (
                pgettext_lazy("consideration status", "Announced"),
                _("Announced by a party; not yet in force."),
            ),
            "effective": (pgettext_lazy("consideration status", "In force"), _("Took effect.")),
            "not_implemented": (
                pgettext_lazy("consideration status", "Not implemented"),
                _("Announced but never took effect."),
            ),
            "reversed": (
                pgettext_lazy("consideration status", "Reversed"),
                _("Withdrawn after it took effect; the date of reversal is kept."),
            ),
            "disputed": (
                pgettext_lazy("consideration status", "Disputed"),
                _("The parties contradict each other about it."),
            ),
        },
    ),
    "count_basis": (
        _("How a count is known"),
        {
            "verified": (
                pgettext_lazy("count basis", "Verified"),
                _("Verified name by name by a rights group or monitor."),
            ),
            "claimed": (
                pgettext_lazy("count basis", "Claimed"),
                _("Claimed by a government or a party, not verified."),
            ),
            "reported": (pgettext_lazy("count basis", "Reported"), _("Reported by the press or others, not verified.")),
        },
    ),
    "group_outcome": (
        _("People counted but not named"),
        {
            "freed": (pgettext_lazy("group outcome", "Freed"), _("A described group freed.")),
            "freed_conditionally": (
                pgettext_lazy("group outcome", "Freed with conditions"),
                _("A described group freed with conditions."),
            ),
            "refused": (
                pgettext_lazy("group outcome", "Refused release"),
                _("Refused to be released on the terms offered."),
            ),
            "kept_back": (pgettext_lazy("group outcome", "Kept back"), _("Announced as freed but kept in custody.")),
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
