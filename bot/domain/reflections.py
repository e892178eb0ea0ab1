"""Private reflections written after a held session, and who may read them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.domain.errors import InvalidInput, InvalidState
from bot.domain.limits import MAX_REFLECTION_ANSWER, too_long
from bot.domain.people import Role
from bot.domain.sessions import Session, SessionStatus


@dataclass(frozen=True)
class Reflection:
    id: str
    author_id: str
    pair_id: str
    session_id: str
    session_starts_at: datetime
    role: Role
    discussed: str
    learned: str
    next_steps: str
    rating: int
    shared_with_partner: bool
    created_at: datetime

    def readable_by(self, viewer_id: str, partner_id: str) -> bool:
        """Private to its author unless the author shared it with their partner. Never managers."""
        return viewer_id == self.author_id or (self.shared_with_partner and viewer_id == partner_id)


def reflection_id(session_id: str, role: Role) -> str:
    """One reflection per person per session: writing again replaces it, never duplicates it."""
    return f"{session_id}.{role.value}"


def parse_rating(value: Any) -> int:
    try:
        rating = int(str(value).strip())
    except (TypeError, ValueError) as error:
        raise InvalidInput("Please rate the session from 1 (not useful) to 5 (very useful).") from error
    if not 1 <= rating <= 5:
        raise InvalidInput("Please rate the session from 1 (not useful) to 5 (very useful).")
    return rating


def clean_text(label: str, text: str) -> str:
    cleaned = (text or "").strip()
    if not cleaned:
        raise InvalidInput(f"Please write a few words for '{label}' (or 'none').")
    if len(cleaned) > MAX_REFLECTION_ANSWER:
        raise InvalidInput(too_long(f"'{label}'", MAX_REFLECTION_ANSWER, len(cleaned)))
    return cleaned


def new_reflection(
    author_id: str, pair_id: str, role: Role, session: Session, discussed: str, learned: str,
    next_steps: str, rating: Any, shared: bool, now: datetime,
) -> Reflection:
    if session.status is not SessionStatus.HELD:
        raise InvalidState("Reflections are for sessions you've both confirmed happened.")
    return Reflection(
        id=reflection_id(session.id, role),
        author_id=author_id,
        pair_id=pair_id,
        session_id=session.id,
        session_starts_at=session.starts_at,
        role=role,
        discussed=clean_text("what we discussed", discussed),
        learned=clean_text("what I learned", learned),
        next_steps=clean_text("what I will do next", next_steps),
        rating=parse_rating(rating),
        shared_with_partner=bool(shared),
        created_at=now,
    )
