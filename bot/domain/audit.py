"""The audit trail: who did what to whose record, and when. Never what anyone wrote."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum

DEFAULT_AUDIT_RETENTION_DAYS = 2 * 365  # how long an audit entry is kept (expired by the store's TTL)
MAX_DETAIL = 80  # a short code or count, never free text from a person


class AuditAction(str, Enum):
    PROGRAMME_CREATED = "programme created"
    PROGRAMME_CHANGED = "programme changed"
    MANAGER_APPOINTED = "manager appointed"
    MANAGER_REMOVED = "manager removed"
    SAFEGUARDING_LEAD_NAMED = "safeguarding lead named"
    PAIR_CREATED = "pair created"
    PAIR_CLOSED = "pair closed"
    STATUS_VIEWED = "status viewed"
    ALERT_ACTED = "alert acted on"
    ALERT_CHANNEL_SET = "alert channel set"
    CONCERN_RAISED = "concern raised"
    CONCERN_ACTED = "concern acted on"
    GUARDIAN_CONSENT_RECORDED = "guardian consent recorded"
    UNDER_18_RECORDED = "recorded as under 18"
    TEAM_LINKED = "team linked"
    DATA_EXPORTED = "data exported"
    DATA_ERASED = "data erased"
    RETENTION_DELETED = "deleted at end of retention"
    REPORT_EXPORTED = "report exported"
    ROSTER_IMPORTED = "roster imported"
    JOINED_PROGRAMME = "joined a programme"
    PAIRS_PUBLISHED = "matched pairs published"
    PROFILE_SAVED = "saved their profile"
    RANKING_SAVED = "saved their launch-day choices"


@dataclass(frozen=True)
class AuditEntry:
    """One thing done. `subject_id` is whose record it touched (a person or a programme id); the trail of
    a subject is one partition, so "what was done to my record" is one query."""

    id: str
    at: datetime
    actor_id: str  # the person who acted, or "tandem" for the scheduler
    action: AuditAction
    subject_id: str
    programme_id: str = ""
    detail: str = ""  # a code or a count: never content

    def __post_init__(self) -> None:
        if len(self.detail) > MAX_DETAIL:
            raise ValueError("audit detail is a short code, not content")


SYSTEM_ACTOR = "tandem"
