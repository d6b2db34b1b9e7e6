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
            "house_arrest": (_("House arrest"), _("Held at home under a court's or investigator's order.")),
            "restricted_freedom": (
                _("Restricted freedom"),
                _("Serving a sentence of restricted freedom (an open facility or supervision): not free."),
            ),
            "disappeared": (_("Disappeared"), _("Taken by the authorities; whereabouts unknown.")),
        },
    ),
    "recognition": (
        _("Recognition as a political prisoner"),
        {
            "recognised": (_("Political prisoner"), _("Recognised as a political prisoner by a rights group.")),
            "prosecuted_not_recognised": (
                _("Prosecuted, not recognised"),
                _("Prosecuted for political reasons but not (yet) recognised as a political prisoner."),
            ),
            "unknown": (_("Recognition not recorded"), _("The sources do not say.")),
        },
    ),
    "regime": (
        _("How a person is held"),
        {
            "custody": (_("In custody"), _("Held in a prison, a pre-trial centre or a camp.")),
            "house_arrest": (_("House arrest"), _("Held at home.")),
            "restricted_freedom": (_("Restricted freedom"), _("Restricted freedom or another non-custodial sentence.")),
        },
    ),
    "role": (
        _("Role of a party"),
        {
            "releasing": (_("Released the people"), _("The state or government that freed them.")),
            "receiving": (_("Received the people"), _("The state that took them in.")),
            "counterparty": (_("Counterparty"), _("The other side of an exchange or a deal.")),
            "mediator": (_("Mediator"), _("Brokered the release: a third state, a church, an organisation.")),
            "host": (_("Host"), _("Where the exchange or the talks took place.")),
            "envoy": (_("Envoy"), _("A person sent to negotiate.")),
            "guarantor": (_("Guarantor"), _("Vouched that the terms would be kept.")),
            "grantor": (_("Gave something in return"), _("Gave a consideration of the deal.")),
            "other": (_("Other role"), _("A role not listed above.")),
        },
    ),
    "party_kind": (
        _("Kind of party"),
        {
            "state": (_("State"), _("A country.")),
            "government": (_("Government"), _("A government or one of its bodies.")),
            "bloc": (_("Bloc of states"), _("Such as the European Union.")),
            "person": (_("Person"), _("An envoy or an official acting in person.")),
            "religious_body": (_("Church or religious body"), _("Such as a church or the Holy See.")),
            "international_organisation": (_("International organisation"), _("Such as the UN or the ICRC.")),
            "organisation": (_("Organisation"), _("A charity, a company or another organisation.")),
            "other": (_("Other party"), _("A party of another kind.")),
        },
    ),
    "consideration_kind": (
        _("What was given in return"),
        {
            "sanctions_delisting": (_("Sanctions delisting"), _("People or companies removed from a sanctions list.")),
            "sanctions_general_license": (_("General licence"), _("A licence that allows dealings despite sanctions.")),
            "sanctions_specific_license": (_("Specific licence"), _("A licence for one named party.")),
            "sanctions_other": (_("Other sanctions relief"), _("A waiver or another easing of sanctions.")),
            "state_list_removal": (
                _("Removed from a state list"),
                _("Such as removal from a list of state sponsors of terrorism."),
            ),
            "clemency": (_("Clemency"), _("A pardon or commutation for a person held by the other side.")),
            "prisoner_release": (_("Release of a prisoner"), _("The other side freed a person it held.")),
            "return_of_nationals": (_("Return of nationals"), _("Deported or detained nationals returned.")),
            "humanitarian_parole": (_("Humanitarian parole"), _("Entry granted on humanitarian grounds.")),
            "visas": (_("Visas"), _("Visas granted to the people freed or their families.")),
            "resettlement": (_("Resettlement"), _("The people freed were resettled in a third country.")),
            "payment": (_("Payment"), _("Money paid or released.")),
            "none": (_("Nothing in return"), _("A party said nothing was given in return.")),
            "other": (_("Other"), _("A consideration of another kind.")),
        },
    ),
    "consideration_status": (
        _("Status of a consideration"),
        {
            "reported": (_("Reported"), _("Described in the press; not announced by a party.")),
            "announced": (_("Announced"), _("Announced by a party; not yet in force.")),
            "effective": (_("In force"), _("Took effect.")),
            "not_implemented": (_("Not implemented"), _("Announced but never took effect.")),
            "reversed": (_("Reversed"), _("Withdrawn after it took effect; the date of reversal is kept.")),
            "disputed": (_("Disputed"), _("The parties contradict each other about it.")),
        },
    ),
    "count_basis": (
        _("How a count is known"),
        {
            "verified": (_("Verified"), _("Verified name by name by a rights group or monitor.")),
            "claimed": (_("Claimed"), _("Claimed by a government or a party, not verified.")),
            "reported": (_("Reported"), _("Reported by the press or others, not verified.")),
        },
    ),
    "group_outcome": (
        _("People counted but not named"),
        {
            "freed": (_("Freed"), _("A described group freed.")),
            "freed_conditionally": (_("Freed with conditions"), _("A described group freed with conditions.")),
            "refused": (_("Refused release"), _("Refused to be released on the terms offered.")),
            "kept_back": (_("Kept back"), _("Announced as freed but kept in custody.")),
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
