"""Who may do what: Tandem's one written authorisation policy, by role. Every service entry point asks it.

Roles are relative to what is acted on: a MANAGER manages *that* programme, a PAIR_MEMBER is in *that*
pair, a SAFEGUARDING_LEAD is named for *that* programme, an ADMINISTRATOR administers the tenant the
programme belongs to. Administrators run programmes' existence and their managers; they do not see
pairs' data. Nobody but the pair sees a contract, a schedule or a reflection; nobody but the lead sees a
concern. The README's "Who may do what" table is this table.
"""

from __future__ import annotations

from enum import Enum
from typing import Iterable

from bot.domain.errors import NotAllowed


class AccessRole(str, Enum):
    ADMINISTRATOR = "administrator"
    MANAGER = "manager"  # of the programme acted on
    SAFEGUARDING_LEAD = "safeguarding lead"  # of the programme acted on
    PAIR_MEMBER = "pair member"  # of the pair acted on
    ANYONE = "anyone"  # anyone Tandem can identify (Entra object id and tenant), acting on their own record


class Action(str, Enum):
    CREATE_PROGRAMME = "create a programme"
    APPOINT_MANAGER = "appoint a manager"
    REMOVE_MANAGER = "remove a manager"
    NAME_SAFEGUARDING_LEAD = "name the safeguarding lead"
    LINK_TEAM = "link a team"
    SET_ALERT_CHANNEL = "set the alert channel"
    PAIR_PEOPLE = "pair people"
    RECORD_UNDER_18 = "record that someone is under 18"
    RECORD_GUARDIAN_CONSENT = "record guardian consent"
    VIEW_ROSTER = "see the roster"
    ENROL = "invite people, import a roster, and match and publish pairs"
    EDIT_PROGRAMME = "change the programme's settings (kind, matching, focus areas, organisations, cadence, who may take part)"
    VIEW_STATUS = "see the programme's status"
    VIEW_REPORT = "see and export the programme's report"
    VIEW_ALL_PROGRAMMES = "see every programme's report side by side"
    ACT_ON_ALERT = "act on an alert"
    CLOSE_PAIR = "close a pairing (approving a no-fault close, or someone leaving)"
    VIEW_PAIR = "see the pairing"
    CHANGE_CONTRACT = "propose, accept or withdraw a contract version"
    BOOK_SESSION = "book, move or cancel a session, or say whether it happened"
    REFLECT = "write a reflection"
    READ_REFLECTION = "read a reflection (their own, or their partner's if shared with them)"
    ASK_FOR_HELP = "ask for help"
    NO_FAULT_CLOSE = "ask for a no-fault close"
    RAISE_CONCERN = "raise a safeguarding concern"
    ACT_ON_CONCERN = "acknowledge a concern or record its outcome"
    ANSWER_SURVEY = "answer their own survey"
    CLOSE_PAIRING = "write their pairing's closing summary"
    MANAGE_SURVEY = "add and list the programme's own survey questions"
    RECORD_DECISION = "record the programme's debrief decision"
    OWN_RECORD = "see or change their own record (their programmes, pairings, reflections, reminders)"


A, M, L, P, ANY = (AccessRole.ADMINISTRATOR, AccessRole.MANAGER, AccessRole.SAFEGUARDING_LEAD,
                   AccessRole.PAIR_MEMBER, AccessRole.ANYONE)

POLICY: dict[Action, frozenset[AccessRole]] = {
    Action.CREATE_PROGRAMME: frozenset({A}),
    Action.APPOINT_MANAGER: frozenset({A, M}),  # administrators appoint; managers add co-managers
    Action.REMOVE_MANAGER: frozenset({A, M}),  # never leaving a programme without a manager
    Action.NAME_SAFEGUARDING_LEAD: frozenset({A, M}),
    Action.LINK_TEAM: frozenset({A, M}),  # typed in a channel of the team being linked
    Action.SET_ALERT_CHANNEL: frozenset({M}),  # in a channel of a linked team
    Action.PAIR_PEOPLE: frozenset({M}),
    Action.RECORD_UNDER_18: frozenset({M}),
    Action.RECORD_GUARDIAN_CONSENT: frozenset({M}),
    Action.VIEW_ROSTER: frozenset({M}),
    Action.ENROL: frozenset({M}),
    Action.EDIT_PROGRAMME: frozenset({M}),
    Action.VIEW_STATUS: frozenset({M}),
    Action.VIEW_REPORT: frozenset({M}),
    Action.VIEW_ALL_PROGRAMMES: frozenset({A}),  # figures only, small cells suppressed: no pair's data
    Action.ACT_ON_ALERT: frozenset({M}),
    Action.CLOSE_PAIR: frozenset({M}),
    Action.VIEW_PAIR: frozenset({P}),
    Action.CHANGE_CONTRACT: frozenset({P}),
    Action.BOOK_SESSION: frozenset({P}),
    Action.REFLECT: frozenset({P}),
    Action.READ_REFLECTION: frozenset({P}),  # and the record itself says whether the partner may
    Action.ASK_FOR_HELP: frozenset({P}),
    Action.NO_FAULT_CLOSE: frozenset({P}),
    Action.RAISE_CONCERN: frozenset({P}),  # any participant of the programme, at any time
    Action.ACT_ON_CONCERN: frozenset({L}),
    Action.ANSWER_SURVEY: frozenset({P}),  # their own answers only: the partner never sees them
    Action.CLOSE_PAIRING: frozenset({P}),
    Action.MANAGE_SURVEY: frozenset({M}),
    Action.RECORD_DECISION: frozenset({M}),
    Action.OWN_RECORD: frozenset({ANY}),
}

# What the person is told, by who may do it: kind, and says who to ask.
REFUSALS: dict[Action, str] = {
    Action.CREATE_PROGRAMME: "Only a Tandem administrator can start a programme. Ask your administrator to create it "
                             "and appoint you as its manager.",
    Action.APPOINT_MANAGER: "Only an administrator or one of this programme's managers can appoint its managers.",
    Action.REMOVE_MANAGER: "Only an administrator or one of this programme's managers can remove its managers.",
    Action.NAME_SAFEGUARDING_LEAD: "Only this programme's managers can name its safeguarding lead.",
    Action.LINK_TEAM: "Only an administrator or one of this programme's managers can link a team to it.",
    Action.SET_ALERT_CHANNEL: "Only this programme's managers can choose where its alerts go.",
    Action.ACT_ON_CONCERN: "Only the programme's safeguarding lead can act on a concern.",
    Action.VIEW_ALL_PROGRAMMES: "Only a Tandem administrator can see every programme side by side.",
    Action.READ_REFLECTION: "I can't find that reflection.",
}
MANAGER_ONLY = "Only the managers of this programme can do that."
PAIR_ONLY = "Only the two people in this pairing can do that."


def refusal(action: Action) -> str:
    if action in REFUSALS:
        return REFUSALS[action]
    return PAIR_ONLY if POLICY[action] == frozenset({P}) else MANAGER_ONLY


def allowed(roles: Iterable[AccessRole], action: Action) -> bool:
    held = set(roles) | {AccessRole.ANYONE}
    return bool(held & POLICY[action])


def require(roles: Iterable[AccessRole], action: Action) -> None:
    """Raise NotAllowed, with a kind message, unless one of the actor's roles may take the action."""
    if not allowed(roles, action):
        raise NotAllowed(refusal(action))


def who_may(action: Action) -> str:
    """For the README table and help: the roles, in a fixed order."""
    return ", ".join(r.value for r in AccessRole if r in POLICY[action])


class PersonalChatOnly(NotAllowed):
    """The step shows or takes private things, and was asked for where others can read the answer.
    The Teams edge adds a link to the person's personal chat with Tandem."""
