"""Every free-text limit in one place: how long each thing people type (or Teams names) may be.

Lengths are counted in characters (Unicode code points) after surrounding spaces are trimmed.
The README lists them; the card-size test builds every card with each field at its limit.
"""

from __future__ import annotations

from bot.domain.errors import InvalidInput

MAX_GOALS = 3
MAX_GOAL = 300  # each contract goal
MAX_CLAUSE = 1000  # contact between meetings, boundaries
MAX_CONFIDENTIALITY_EXTRA = 500  # what a pair adds after the fixed confidentiality limit
MAX_REFLECTION_ANSWER = 2000  # each of discussed / learned / next steps
MAX_ALERT_NOTE = 1000  # a manager's resolve note or message to the pair
MAX_REQUEST_NOTE = 500  # the words with "ask for help" or "no-fault close"
MAX_CONCERN = 4000  # a safeguarding concern: the lead can ask for more
MAX_OUTCOME = 2000  # the lead's note of a concern's outcome
MAX_PROGRAMME_NAME = 80
MAX_DISPLAY_NAME = 60  # Teams display names are cut to this where Tandem shows them
MAX_CHOICE_TITLE = 200  # a button title or a list choice is cut to this on a card (the number is the answer)
MAX_ECHO = 40  # how much of what someone typed an error message quotes back

# Lists that grow with use are capped where a card shows them (the rest is counted, "and 12 more").
SHOWN_REFLECTIONS = 5  # per list (own, shared with me) on "my reflections"
SHOWN_REFLECTION_ANSWER = 300  # each answer in the list is an excerpt; one reflection's card shows it whole
SHOWN_SESSIONS = 10  # upcoming and awaiting-an-answer on the sessions card
SHOWN_PAST_SESSIONS = 6
SHOWN_VERSIONS = 10  # contract history

# What a stored document keeps, so none grows with use (older entries move to items of their own).
LIVE_CONTRACT_VERSIONS = 2  # the latest versions kept on the contract, besides the one in force and any proposal
SESSION_HORIZON_DAYS = 60  # a session settled (held, cancelled, moved) this long ago leaves the schedule
ANSWERED_PROPOSAL_DAYS = 7  # a declined or countered time leaves the schedule a week after it was answered
MAX_PENDING_NOTICES = 20  # messages kept for someone Tandem cannot reach yet; older ones are counted, not kept
MAX_ALERT_STEPS = 50  # who did what on one alert: the latest are kept (the card shows 10; the audit log has all)
SHOWN_STATUS_ROWS = 40  # pairs on the programme status card
SHOWN_ALERT_STEPS = 10  # who did what on an alert card

CARD_BUDGET_BYTES = 25_000  # serialised card JSON; Teams refuses activities over about 28 KB


def check_length(what: str, text: str, limit: int) -> str:
    """`text` trimmed, or a kind refusal that states the limit and how long the text was."""
    cleaned = (text or "").strip()
    if len(cleaned) > limit:
        raise InvalidInput(too_long(what, limit, len(cleaned)))
    return cleaned


def too_long(what: str, limit: int, length: int) -> str:
    return f"Please keep {what} to {limit} characters or fewer; that one has {length}."
