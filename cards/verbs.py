"""Action.Execute verbs. Each is paired with exactly one handler in bot/teams/actions.py (a test checks)."""

CONTRACT_DRAFT = "contract.draft"
CONTRACT_ACCEPT = "contract.accept"
CONTRACT_CHANGE = "contract.change"
CONTRACT_WITHDRAW = "contract.withdraw"

SESSION_PROPOSE = "session.propose"
SESSION_ACCEPT = "session.accept"
SESSION_DECLINE = "session.decline"
SESSION_COUNTER = "session.counter"
SESSION_RESCHEDULE = "session.reschedule"
SESSION_CANCEL = "session.cancel"
SESSION_HAPPENED = "session.happened"
SESSION_MISSED = "session.missed"

REFLECTION_START = "reflection.start"

CHOICE = "choice.pick"  # an answer to whichever choice prompt is waiting (dialogs/choices.py)

ALERT_ACKNOWLEDGE = "alert.acknowledge"
ALERT_SNOOZE = "alert.snooze"
ALERT_RESOLVE = "alert.resolve"
ALERT_MESSAGE = "alert.message"
ALERT_APPROVE_CLOSE = "alert.approve-close"

ENROL_JOIN = "enrol.join"
ENROL_DECLINE = "enrol.decline"
MATCH_PUBLISH = "match.publish"
PROGRAMME_SAVE = "programme.save"
RESERVE_PAIR = "reserve.pair"
MATCH_DECLINE = "match.decline"
PROFILE_SAVE = "profile.save"  # data: programmeId; the profile card's inputs
RANKINGS_OPEN = "rankings.open"  # the manager sends everyone the launch-day ranking card
RANKING_SAVE = "ranking.save"  # data: programmeId; inputs choice1..choice5 (emails)
MATCH_CHANGE = "match.change"  # the change-pairs card, prefilled with the proposal (data: method, chosen)
MATCH_CHANGE_SAVE = "match.change-save"  # data: rows (mentee emails); inputs mentor0.., insist0..

MY_DATA_ERASE = "mydata.erase"
MY_DATA_KEEP = "mydata.keep"
CONCERN_ACKNOWLEDGE = "concern.acknowledge"
CONCERN_OUTCOME = "concern.outcome"

REPORT_FILE = "report.file"  # data: programmeId, format (csv or html); sent through file consent

SURVEY_ANSWER = "survey.answer"
DEBRIEF_CLOSE = "debrief.close"  # a pair member's closing summary
DEBRIEF_DECIDE = "debrief.decide"  # the managers' decision on the programme

ALL = (
    CONTRACT_DRAFT, CONTRACT_ACCEPT, CONTRACT_CHANGE, CONTRACT_WITHDRAW,
    SESSION_PROPOSE, SESSION_ACCEPT, SESSION_DECLINE, SESSION_COUNTER, SESSION_RESCHEDULE, SESSION_CANCEL,
    SESSION_HAPPENED, SESSION_MISSED, REFLECTION_START, CHOICE,
    ALERT_ACKNOWLEDGE, ALERT_SNOOZE, ALERT_RESOLVE, ALERT_MESSAGE, ALERT_APPROVE_CLOSE,
    ENROL_JOIN, ENROL_DECLINE, MATCH_PUBLISH, PROGRAMME_SAVE, RESERVE_PAIR, MATCH_DECLINE,
    PROFILE_SAVE, RANKINGS_OPEN, RANKING_SAVE, MATCH_CHANGE, MATCH_CHANGE_SAVE,
    MY_DATA_ERASE, MY_DATA_KEEP,
    CONCERN_ACKNOWLEDGE, CONCERN_OUTCOME,
    SURVEY_ANSWER, DEBRIEF_CLOSE, DEBRIEF_DECIDE, REPORT_FILE,
)
