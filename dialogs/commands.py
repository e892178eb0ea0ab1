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
    MY_SHIFTS = "my shifts"
    ASK_FOR_HELP = "ask for help"
    NO_FAULT_CLOSE = "no-fault close"
    REPORT = "report"
    EXPORT_REFLECTIONS = "export my reflections"
    SURVEY_QUESTION_ADD = "survey question add"
    SURVEY_QUESTIONS = "survey questions"
    SURVEY_QUESTION_DROP = "survey question drop"
    SURVEY_QUESTION_ASK = "survey question ask"
    EXPORT_MY_DATA = "export my data"
    DELETE_MY_DATA = "delete my data"
    RAISE_CONCERN = "raise a concern"
    ADD_MANAGER = "add manager"
    REMOVE_MANAGER = "remove manager"
    SAFEGUARDING_LEAD = "safeguarding lead"
    LINK_TEAM = "link team"
    UNDER_18 = "under 18"
    GUARDIAN_CONSENT = "guardian consent"
    EXPLAIN = "explain"
    HELP_MANAGER = "help manager"
    ACCEPT = "accept"
    INVITE = "invite"
    ROSTER_FILE = "roster file"  # a CSV file sent in the personal chat (the Teams edge starts it; typed, it says how)
    ROSTER = "roster"
    MATCH = "match"
    LEAVE_PROGRAMME = "leave programme"
    PROGRAMME_SETTINGS = "programme settings"
    MY_PROFILE = "my profile"
    OPEN_RANKINGS = "open rankings"
    DEBRIEF = "debrief"
    HAPPENED = "we met"
    MISSED = "we didn't meet"
    CANCEL = "cancel"
    UNKNOWN = "unknown"

    @property
    def private(self) -> bool:
        """Commands whose answers must never appear where others can read them: personal chat only."""
        return self in PRIVATE_COMMANDS

    @property
    def needs_pair(self) -> bool:
        return self in (Command.CONTRACT, Command.DRAFT_CONTRACT, Command.CHANGE_CONTRACT, Command.SCHEDULE,
                        Command.SESSIONS, Command.REFLECT, Command.ASK_FOR_HELP, Command.NO_FAULT_CLOSE,
                        Command.RAISE_CONCERN, Command.ACCEPT, Command.HAPPENED, Command.MISSED)

    @property
    def names_a_person(self) -> bool:
        """Manager commands that @mention one person (and optionally name the programme: in NAME)."""
        return self in (Command.ADD_MANAGER, Command.REMOVE_MANAGER, Command.SAFEGUARDING_LEAD, Command.UNDER_18,
                        Command.GUARDIAN_CONSENT)


# Why each private command is private: said in a group chat or channel, with a link to the personal chat.
PRIVATE_COMMANDS = {
    Command.REFLECT: "Reflections are private, so I only deal with them in our personal chat.",
    Command.MY_REFLECTIONS: "Reflections are private, so I only show them in our personal chat.",
    Command.CONTRACT: "Your mentoring contract is between you and your partner, so I only show it in our personal chat.",
    Command.DRAFT_CONTRACT: "Your mentoring contract is between you and your partner, so I only draft it in our personal chat.",
    Command.CHANGE_CONTRACT: "Your mentoring contract is between you and your partner, so I only change it in our personal chat.",
    Command.ASK_FOR_HELP: "Asking for help is private (your partner isn't told), so I only take it in our personal chat.",
    Command.NO_FAULT_CLOSE: "Asking for a no-fault close is private, so I only take it in our personal chat.",
    Command.RAISE_CONCERN: "A safeguarding concern goes to the safeguarding lead only, so I only take it in our personal chat.",
    Command.SESSIONS: "Your sessions are between you and your partner, so I only show them in our personal chat.",
    Command.EXPORT_REFLECTIONS: "Your reflections are private, so I only send your record of them in our personal chat.",
    Command.EXPORT_MY_DATA: "What I hold about you is private, so I only send it in our personal chat.",
    Command.DELETE_MY_DATA: "Deleting your data is for you alone, so I only do it in our personal chat.",
    Command.MY_PROFILE: "Your profile is yours, so I only show it in our personal chat.",
    Command.ROSTER_FILE: "A roster lists people's work details, so I only take roster files in our personal chat.",
}


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
    "report": Command.REPORT, "programme report": Command.REPORT,
    "survey questions": Command.SURVEY_QUESTIONS, "list survey questions": Command.SURVEY_QUESTIONS,
    "export my reflections": Command.EXPORT_REFLECTIONS, "export reflections": Command.EXPORT_REFLECTIONS,
    "cpd record": Command.EXPORT_REFLECTIONS,
    "export my data": Command.EXPORT_MY_DATA, "download my data": Command.EXPORT_MY_DATA, "my data": Command.EXPORT_MY_DATA,
    "we met": Command.HAPPENED, "yes we met": Command.HAPPENED, "it happened": Command.HAPPENED,
    "yes it happened": Command.HAPPENED, "session happened": Command.HAPPENED, "the session happened": Command.HAPPENED,
    "we didn't meet": Command.MISSED, "we did not meet": Command.MISSED, "we didnt meet": Command.MISSED,
    "it didn't happen": Command.MISSED, "it did not happen": Command.MISSED, "it didnt happen": Command.MISSED,
    "no it didn't happen": Command.MISSED, "session didn't happen": Command.MISSED, "the session didn't happen": Command.MISSED,
    "import roster": Command.ROSTER_FILE, "import a roster": Command.ROSTER_FILE, "roster file": Command.ROSTER_FILE,
    "upload roster": Command.ROSTER_FILE,
    "delete my data": Command.DELETE_MY_DATA, "erase my data": Command.DELETE_MY_DATA, "forget me": Command.DELETE_MY_DATA,
}
PREFIXES = (
    (("ask for help", "request help", "i need help"), Command.ASK_FOR_HELP),
    (("accept", "i accept", "agree", "i agree"), Command.ACCEPT),
    (("invite",), Command.INVITE),
    (("programme settings", "program settings", "edit programme", "settings"), Command.PROGRAMME_SETTINGS),
    (("debrief", "programme debrief", "program debrief"), Command.DEBRIEF),
    (("roster", "who's taking part", "participants"), Command.ROSTER),
    (("match", "propose pairs", "matching"), Command.MATCH),
    (("leave programme", "leave the programme", "leave program"), Command.LEAVE_PROGRAMME),
    (("my profile", "edit my profile", "change my profile", "profile"), Command.MY_PROFILE),
    (("open rankings", "open ranking", "start rankings", "send rankings"), Command.OPEN_RANKINGS),
    (("pause reminders", "pause nudges", "pause"), Command.PAUSE),
    (("resume reminders", "resume nudges", "resume"), Command.RESUME),
    (("my shifts", "my shift pattern", "my rota", "shift pattern", "shifts"), Command.MY_SHIFTS),
    (("no-fault close", "no fault close", "close pairing", "end pairing"), Command.NO_FAULT_CLOSE),
    (("raise a concern", "raise concern", "report a concern", "safeguarding concern"), Command.RAISE_CONCERN),
    (("add manager", "add a manager", "appoint manager"), Command.ADD_MANAGER),
    (("remove manager", "remove a manager"), Command.REMOVE_MANAGER),
    (("safeguarding lead",), Command.SAFEGUARDING_LEAD),
    (("link team", "link this team"), Command.LINK_TEAM),
    (("under 18", "under-18", "under eighteen"), Command.UNDER_18),
    (("guardian consent", "parental consent"), Command.GUARDIAN_CONSENT),
    (("survey question add", "add survey question", "add a survey question"), Command.SURVEY_QUESTION_ADD),
    (("survey question drop", "drop survey question", "survey question remove"), Command.SURVEY_QUESTION_DROP),
    (("survey question ask", "survey question restore", "restore survey question"), Command.SURVEY_QUESTION_ASK),
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
    for prefix, command in (("status in ", Command.STATUS), ("alerts here in ", Command.ALERTS_HERE), ("report in ", Command.REPORT),
                            ("survey questions in ", Command.SURVEY_QUESTIONS)):
        if word.startswith(prefix):
            return Parsed(command, raw[len(prefix):].strip())
    return Parsed(Command.UNKNOWN, raw)


def without_programme(argument: str, name: str) -> str:
    """'How well did they listen? in Reverse pilot' -> 'How well did they listen?' (the programme named last)."""
    match = re.search(r"\s+in\s+" + re.escape(name) + r"\s*$", argument, re.IGNORECASE)
    return argument[: match.start()].strip() if match else argument.strip()


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
