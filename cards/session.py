"""Cards for sessions: a proposed time to answer, a booked session, did-it-happen, and the list."""

from __future__ import annotations

from datetime import date
from typing import Any, Iterable
from urllib.parse import quote, urlsplit

from bot.domain.limits import SHOWN_PAST_SESSIONS, SHOWN_SESSIONS
from bot.domain.people import Role
from bot.domain.sessions import Session, SessionStatus
from bot.domain.text import clean
from bot.domain.uktime import format_day, format_uk, to_uk
from cards import verbs
from cards.adaptive import card, done, execute, facts, heading, open_url, text, who
from cards.words import SESSION_STATUS

TEAMS_MEETING_BASE = "https://teams.microsoft.com/l/meeting/new"
TEAMS_HOST = "teams.microsoft.com"
JOIN = "Join Teams meeting"


def join_url(session: Session) -> str | None:
    """The Teams join link of the session's Outlook event, if it is one: https, on teams.microsoft.com, no
    user name, password or port, nothing hidden. The link comes from Graph, but an event can be edited in
    Outlook, so anything else (another host, javascript:, a look-alike) is not offered as a button."""
    url = (session.calendar or {}).get("joinUrl") or ""
    if not isinstance(url, str) or not url or len(url) > 2048 or any(c.isspace() or ord(c) < 32 or c == "\\" for c in url):
        return None
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    if parts.scheme != "https" or parts.hostname != TEAMS_HOST or parts.netloc.lower() != TEAMS_HOST or port is not None:
        return None
    return url


def _join(session: Session) -> list[dict[str, Any]]:
    url = join_url(session)
    return [open_url(JOIN, url)] if url else []


def teams_meeting_link(subject: str, session: Session, attendees: Iterable[str], content: str = "") -> str:
    """Teams' 'new meeting' deep link, prefilled with both attendees and the UK-time slot."""
    params = {
        "subject": clean(subject),
        "startTime": to_uk(session.starts_at).isoformat(),
        "endTime": to_uk(session.ends_at).isoformat(),
        "attendees": ",".join(clean(a) for a in attendees if clean(a)),
        "content": clean(content),
    }
    query = "&".join(f"{key}={quote(value, safe='')}" for key, value in params.items() if value)
    return f"{TEAMS_MEETING_BASE}?{query}"


def session_proposal_card(pair_id: str, session: Session, proposer_name: str, viewer: Role, note: str = "") -> dict[str, Any]:
    proposer_name = who(proposer_name, "your partner")
    moving = " (to move your booked session)" if session.replaces else ""
    body = [
        heading("Session proposed" + moving),
        facts([("When", format_uk(session.starts_at)), ("Length", f"{session.minutes} minutes"), ("Proposed by", proposer_name)]),
    ]
    data = {"pairId": pair_id, "sessionId": session.id}
    actions: list[dict[str, Any]] = []
    if note:
        body.append(done(note))
    elif session.status is SessionStatus.PROPOSED and viewer is not session.proposed_by:
        actions = [
            execute("Accept", verbs.SESSION_ACCEPT, data, style="positive"),
            execute("Decline this time", verbs.SESSION_DECLINE, data, style="destructive"),
            execute("Propose another time", verbs.SESSION_COUNTER, data),
        ]
    elif session.status is SessionStatus.PROPOSED:
        body.append(text("Waiting for your partner to answer."))
        actions = [execute("Cancel proposal", verbs.SESSION_CANCEL, data)]
    else:
        body.append(text(f"This proposal: {SESSION_STATUS[session.status].lower()}.", subtle=True))
    return card(body, actions)


def session_confirmed_card(pair_id: str, session: Session, names: dict[Role, str], emails: Iterable[str], note: str = "") -> dict[str, Any]:
    names = {role: who(names[role], f"the {role.value}") for role in Role}
    body = [
        heading("Session booked"),
        facts([("When", format_uk(session.starts_at)), ("Length", f"{session.minutes} minutes"),
               ("With", f"{names[Role.MENTOR]} and {names[Role.MENTEE]}")]),
    ]
    data = {"pairId": pair_id, "sessionId": session.id}
    # With an Outlook event the meeting is already in both calendars: its join link, not a second meeting.
    link = teams_meeting_link(f"Mentoring: {names[Role.MENTOR]} and {names[Role.MENTEE]}", session, emails)
    actions = _join(session) or [open_url("Add to Teams calendar", link)]
    if note:
        body.append(done(note))
    else:
        actions += [execute("Reschedule session", verbs.SESSION_RESCHEDULE, data),
                    execute("Cancel session", verbs.SESSION_CANCEL, data, style="destructive")]
    return card(body, actions)


def session_cancelled_card(session: Session, note: str) -> dict[str, Any]:
    """What a booked-session card becomes once the session is cancelled: no buttons left to press."""
    return card([heading("Session cancelled"), text(session.describe()), done(note)])


def attendance_card(pair_id: str, session: Session, partner_name: str, note: str = "") -> dict[str, Any]:
    partner_name = who(partner_name, "your partner")
    body = [heading("Did your session happen?"), text(f"With {partner_name}, {format_uk(session.starts_at)}.")]
    data = {"pairId": pair_id, "sessionId": session.id}
    if note:
        return card(body + [done(note)])
    return card(body, [
        execute("Yes, we met", verbs.SESSION_HAPPENED, data, style="positive"),
        execute("No, it didn't happen", verbs.SESSION_MISSED, data),
        *_join(session),  # running late: the meeting may still be on
    ])


def session_reminder_card(pair_id: str, session: Session, partner_name: str, when: str) -> dict[str, Any]:
    """A reminder before a booked session: when, with whom, the join link once the event has one."""
    partner_name = who(partner_name, "your partner")
    body = [heading(f"Your session is {when}"),
            facts([("When", format_uk(session.starts_at)), ("Length", f"{session.minutes} minutes"), ("With", partner_name)])]
    data = {"pairId": pair_id, "sessionId": session.id}
    return card(body, [*_join(session), execute("Reschedule session", verbs.SESSION_RESCHEDULE, data)])


def attendance_note(session: Session, partner_name: str) -> str:
    """What an answer to "Did your session happen?" led to, pressed or typed."""
    if session.status is SessionStatus.HELD:
        return "You both confirmed it happened. I'll ask you for a reflection."
    if session.status is SessionStatus.NOT_HELD:
        return "Recorded that it didn't happen. Say **schedule** to find a new time."
    return f"Thanks: recorded that it happened. Waiting for {who(partner_name, 'your partner')} to confirm."


def next_session_card(pair_id: str, due_by: date, cadence: str, partner_name: str) -> dict[str, Any]:
    partner_name = who(partner_name, "your partner")
    return card(
        [heading("Book your next session"),
         text(f"Your contract says you meet {cadence}, so your next session with {partner_name} is due by {format_day(due_by)}.")],
        [execute("Propose a time", verbs.SESSION_PROPOSE, {"pairId": pair_id}, style="positive")],
    )


def sessions_card(pair_id: str, partner_name: str, upcoming: list[Session], awaiting: list[Session], past: list[Session]) -> dict[str, Any]:
    """Upcoming (the next SHOWN_SESSIONS), awaiting an answer, and the latest SHOWN_PAST_SESSIONS held or not."""
    body: list[dict[str, Any]] = [heading(f"Sessions with {who(partner_name, 'your partner')}")]
    if upcoming:
        body.append(facts([(SESSION_STATUS[s.status], s.describe()) for s in upcoming[:SHOWN_SESSIONS]]))
        if len(upcoming) > SHOWN_SESSIONS:
            body.append(text(f"...and {len(upcoming) - SHOWN_SESSIONS} more.", subtle=True))
    else:
        body.append(text("Nothing booked yet."))
    if awaiting:
        more = f" and {len(awaiting) - SHOWN_SESSIONS} more" if len(awaiting) > SHOWN_SESSIONS else ""
        body.append(text("**Tell me whether these happened:** "
                         + "; ".join(format_uk(s.starts_at) for s in awaiting[:SHOWN_SESSIONS]) + more, markdown=True))
    if past:
        body.append(text("**Earlier**", markdown=True))
        body.append(facts([(SESSION_STATUS[s.status], format_uk(s.starts_at)) for s in past[-SHOWN_PAST_SESSIONS:]]))
    actions = [execute("Propose a time", verbs.SESSION_PROPOSE, {"pairId": pair_id}, style="positive")]
    return card(body, actions)
