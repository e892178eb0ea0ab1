"""Human words for every state Tandem shows, so no stored value ("in force", "not held") reaches a reader raw."""

from __future__ import annotations

from bot.domain.alerts import AlertState
from bot.domain.contracts import Cadence, Clause, ContractStatus, MeetingFormat
from bot.domain.drift import PairState
from bot.domain.sessions import SessionStatus
from bot.domain.text import plain

CONTRACT_STATUS = {
    ContractStatus.PROPOSED: "waiting for an answer",
    ContractStatus.IN_FORCE: "agreed by you both",
    ContractStatus.SUPERSEDED: "replaced by a newer version",
    ContractStatus.REPLACED: "changed before it was agreed",
    ContractStatus.WITHDRAWN: "withdrawn",
}
SESSION_STATUS = {
    SessionStatus.PROPOSED: "Waiting for an answer",
    SessionStatus.CONFIRMED: "Booked",
    SessionStatus.DECLINED: "Declined",
    SessionStatus.COUNTERED: "Another time suggested",
    SessionStatus.RESCHEDULED: "Moved to a new time",
    SessionStatus.CANCELLED: "Cancelled",
    SessionStatus.HELD: "Happened",
    SessionStatus.NOT_HELD: "Didn't happen",
}
ALERT_STATE = {
    AlertState.OPEN: "Needs someone to act",
    AlertState.ACKNOWLEDGED: "A manager is looking at it",
    AlertState.SNOOZED: "Snoozed",
    AlertState.RESOLVED: "Resolved",
}
PAIR_STATE = {
    PairState.STARTING: "starting",
    PairState.ON_TRACK: "on track",
    PairState.AT_RISK: "at risk",
    PairState.DRIFTING: "drifting",
    PairState.CLOSING: "closing",
}
CLAUSE = {  # the labels the contract card gives each clause
    Clause.GOALS: "Goals", Clause.MEETINGS: "Meetings", Clause.CONTACT_BETWEEN: "Between meetings",
    Clause.CONFIDENTIALITY: "Confidentiality", Clause.BOUNDARIES: "Boundaries", Clause.START: "Starts",
    Clause.REVIEW: "Review", Clause.END: "Ends",
}
CADENCE = {Cadence.FORTNIGHTLY: "every two weeks", Cadence.MONTHLY: "once a month", Cadence.SIX_WEEKLY: "every six weeks"}
MEETING_FORMAT = {MeetingFormat.TEAMS: "on a Teams call", MeetingFormat.IN_PERSON: "face to face",
                  MeetingFormat.MIXED: "a mix of Teams calls and face to face"}


def meetings(cadence: Cadence, minutes: int, meeting_format: MeetingFormat) -> str:
    """'Once a month, 60 minutes, on a Teams call'."""
    line = f"{CADENCE[cadence]}, {minutes} minutes, {MEETING_FORMAT[meeting_format]}"
    return line[0].upper() + line[1:]

# What a programme's kind means for its pairs, said where the pairing is shown (match card, contract, proposal,
# roster). Reverse mentoring turns the usual roles round: the mentor is the junior party.
KIND_NOTE = {
    "reverse": "Reverse mentoring: the mentor shares their lived experience with a senior officer, who learns from them.",
    "group": "Group mentoring: one mentor, several mentees. Each pairing has its own contract and sessions.",
}
ROLE_IN_KIND = {  # (kind, role) -> the words after a person's name on a contract: "Sam (mentor, ...)"
    ("reverse", "mentor"): "mentor, sharing their lived experience",
    ("reverse", "mentee"): "mentee, the senior officer",
}


def paired_note(kind: str, role: str, partner_name: str) -> str:
    """What the match card adds for this kind of programme, in the reader's role, as markdown (the name
    escaped); "" for the usual kinds."""
    partner_name = plain(partner_name)
    if kind == "reverse":
        if role == "mentor":
            return (f"This is reverse mentoring: you are the mentor. You share your lived experience with {partner_name}, "
                    "a senior officer, who learns from you.")
        return (f"This is reverse mentoring: {partner_name} mentors you. They share their lived experience, "
                "and you, as the senior officer, learn from them.")
    if kind == "group" and role == "mentor":
        return ("This is group mentoring: you may have several mentees. Each has their own contract and sessions "
                "with you. If you have more than one, I'll ask which mentee you mean when you say **sessions** or **contract**.")
    return ""
