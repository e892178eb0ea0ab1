"""Reading a typed command: exact phrases and prefixes, never substrings."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import Enum

from bot.domain.natural_time import read_days
from bot.domain.nudges import MAX_PAUSE
from bot.domain.uktime import parse_uk_date
from dialogs.base import normalise


class Command(str, Enum):
    HELP = "help"
    CONTRACT = "contract"
    DRAFT_CONTRACT = "draft contract"
    CHANGE_CONTRACT = "change contract"
    SCHEDULE = "schedule"
    SESSIONS = "sessions"
    REFLECT = "reflect"
    MY_REFLECTIONS = "my reflections"
    PROGRAMMES = "programmes"
    NEW_PROGRAMME = "new programme"
    PAIR = "pair"
    STATUS = "status"
    ALERTS_HERE = "alerts here"
    PAUSE = "pause reminders"
    RESUME = "resume reminders"
    ASK_FOR_HELP = "ask for help"
    NO_FAULT_CLOSE = "no-fault close"
    EXPLAIN = "explain"
    HELP_MANAGER = "help manager"
    CANCEL = "cancel"
    UNKNOWN = "unknown"

    @property
    def private(self) -> bool:
        """Commands whose answers must never appear where others can read them."""
        return self in (Command.REFLECT, Command.MY_REFLECTIONS, Command.ASK_FOR_HELP, Command.NO_FAULT_CLOSE)

    @property
    def needs_pair(self) -> bool:
        return self in (Command.CONTRACT, Command.DRAFT_CONTRACT, Command.CHANGE_CONTRACT, Command.SCHEDULE,
                        Command.SESSIONS, Command.REFLECT, Command.ASK_FOR_HELP, Command.NO_FAULT_CLOSE)


PHRASES = {
    "help manager": Command.HELP_MANAGER, "manager help": Command.HELP_MANAGER, "help managers": Command.HELP_MANAGER,
    "help": Command.HELP, "hi": Command.HELP, "hello": Command.HELP, "menu": Command.HELP, "what can i do": Command.HELP,
    "contract": Command.CONTRACT, "my contract": Command.CONTRACT, "view contract": Command.CONTRACT,
    "show contract": Command.CONTRACT,
    "draft contract": Command.DRAFT_CONTRACT, "draft": Command.DRAFT_CONTRACT,
    "amend contract": Command.CHANGE_CONTRACT, "change contract": Command.CHANGE_CONTRACT,
    "schedule": Command.SCHEDULE, "book": Command.SCHEDULE, "book session": Command.SCHEDULE,
    "propose session": Command.SCHEDULE, "new session": Command.SCHEDULE, "reschedule": Command.SESSIONS,
    "sessions": Command.SESSIONS, "my sessions": Command.SESSIONS, "did we meet": Command.SESSIONS,
    "reflect": Command.REFLECT, "reflection": Command.REFLECT, "log reflection": Command.REFLECT,
    "my reflections": Command.MY_REFLECTIONS, "reflections": Command.MY_REFLECTIONS,
    "programmes": Command.PROGRAMMES, "my programmes": Command.PROGRAMMES, "programs": Command.PROGRAMMES,
    "cancel": Command.CANCEL, "stop": Command.CANCEL,
    "status": Command.STATUS, "programme status": Command.STATUS, "alerts here": Command.ALERTS_HERE,
}
PREFIXES = (
    (("ask for help", "request help", "i need help"), Command.ASK_FOR_HELP),
    (("pause reminders", "pause nudges", "pause"), Command.PAUSE),
    (("resume reminders", "resume nudges", "resume"), Command.RESUME),
    (("no-fault close", "no fault close", "close pairing", "end pairing"), Command.NO_FAULT_CLOSE),
)
NEW_PROGRAMME_PREFIXES = ("new programme", "new program", "create programme", "create program")
ENDS = re.compile(r"\s+ends?\s+(?P<date>.+)$", re.IGNORECASE)
EXPLAIN = re.compile(
    r"(?:what\s+is|what's|whats|what\s+are|what\s+does|what\s+do|explain|define|meaning\s+of|tell\s+me\s+about)\s+"
    r"(?:an?\s+|the\s+)?(?P<term>.+?)(?:\s+mean)?\s*\??$", re.IGNORECASE)


@dataclass(frozen=True)
class Parsed:
    command: Command
    argument: str = ""


def parse_command(text: str | None) -> Parsed:
    raw = " ".join((text or "").split())
    word = normalise(raw)
    if word in PHRASES:
        return Parsed(PHRASES[word])
    explain = EXPLAIN.fullmatch(word)
    if explain:
        return Parsed(Command.EXPLAIN, explain.group("term"))
    for prefix in NEW_PROGRAMME_PREFIXES:
        if word == prefix or word.startswith(prefix + " "):
            return Parsed(Command.NEW_PROGRAMME, raw[len(prefix):].strip())
    if word == "pair" or word.startswith("pair "):
        return Parsed(Command.PAIR, raw[4:].strip())
    for prefixes, command in PREFIXES:
        for prefix in prefixes:
            if word == prefix or word.startswith(prefix + " ") or word.startswith(prefix + ":"):
                return Parsed(command, raw[len(prefix):].lstrip(" :").strip())
    for prefix, command in (("status in ", Command.STATUS), ("alerts here in ", Command.ALERTS_HERE)):
        if word.startswith(prefix):
            return Parsed(command, raw[len(prefix):].strip())
    return Parsed(Command.UNKNOWN, raw)


def split_programme_end(argument: str) -> tuple[str, date | None]:
    """'Reverse mentoring pilot ends 30/06/2027' -> ('Reverse mentoring pilot', 2027-06-30)."""
    match = ENDS.search(argument)
    if not match:
        return argument, None
    return argument[: match.start()].strip(), parse_uk_date(match.group("date"))


DURATION = re.compile(r"(?:for\s+)?(?P<count>\d{1,3})\s*(?P<unit>day|days|week|weeks)$", re.IGNORECASE)
DEFAULT_PAUSE_DAYS = 14


def pause_days(argument: str, today: date) -> int:
    """'for 2 weeks' -> 14; 'for a month' -> to the same day next month; '' -> two weeks; anything
    unreadable is refused kindly."""
    text = argument.strip()
    if not text:
        return DEFAULT_PAUSE_DAYS
    match = DURATION.fullmatch(text)
    if match:
        count = int(match.group("count"))
        return count * 7 if match.group("unit").lower().startswith("week") else count
    return read_days(text, today, most=MAX_PAUSE.days)
