"""Cards for reflections: the prompt after a held session, and a person's own list."""

from __future__ import annotations

from typing import Any

from bot.domain.limits import SHOWN_REFLECTION_ANSWER, SHOWN_REFLECTIONS
from bot.domain.reflections import Reflection
from bot.domain.sessions import Session
from bot.domain.text import clean, person_name
from bot.domain.uktime import format_uk
from cards import verbs
from cards.adaptive import card, done, execute, facts, heading, text


def reflection_prompt_card(pair_id: str, session: Session, note: str = "") -> dict[str, Any]:
    body = [
        heading("Time to reflect"),
        text(f"Your session on {format_uk(session.starts_at)} happened. A short private reflection helps it stick: "
             "what you discussed, what you learned, what you'll do next, and how useful it was."),
        text("Only you can read it, unless you choose to share it with your partner.", subtle=True),
    ]
    if note:
        return card(body + [done(note)])
    return card(body, [execute("Write my reflection", verbs.REFLECTION_START, {"pairId": pair_id, "sessionId": session.id}, style="positive")])


def reflection_card(reflection: Reflection, heading_text: str) -> dict[str, Any]:
    sharing = "Shared with your partner" if reflection.shared_with_partner else "Private to you"
    return card([
        heading(heading_text),
        facts([
            ("Session", format_uk(reflection.session_starts_at)),
            ("We discussed", reflection.discussed),
            ("I learned", reflection.learned),
            ("Next I will", reflection.next_steps),
            ("Usefulness", f"{reflection.rating} out of 5"),
        ]),
        text(sharing, subtle=True),
    ])


def _excerpt(answer: str) -> str:
    return clean(answer, SHOWN_REFLECTION_ANSWER, multiline=True)


def _latest(items: list, key) -> tuple[list, int]:
    """The newest SHOWN_REFLECTIONS, newest first, and how many older ones are left out."""
    ordered = sorted(items, key=key, reverse=True)
    return ordered[:SHOWN_REFLECTIONS], max(len(ordered) - SHOWN_REFLECTIONS, 0)


def reflections_list_card(own: list[Reflection], shared_with_me: list[tuple[str, Reflection]]) -> dict[str, Any]:
    """The newest reflections, newest first, each answer cut to SHOWN_REFLECTION_ANSWER characters."""
    body: list[dict[str, Any]] = [heading("My reflections")]
    if not own:
        body.append(text("You haven't written any yet. After a session you've both confirmed, I'll ask you."))
    shown, older = _latest(own, lambda r: r.session_starts_at)
    for r in shown:
        body.append(text(f"**{format_uk(r.session_starts_at)}** ({r.rating}/5, {'shared' if r.shared_with_partner else 'private'})", markdown=True))
        body.append(facts([("We discussed", _excerpt(r.discussed)), ("I learned", _excerpt(r.learned)), ("Next I will", _excerpt(r.next_steps))]))
    if older:
        body.append(text(f"...and {older} earlier reflections.", subtle=True))
    if shared_with_me:
        body.append(heading("Shared with me"))
        shown_shared, older_shared = _latest(shared_with_me, lambda item: item[1].session_starts_at)
        for author_name, r in shown_shared:
            body.append(text(f"**{person_name(author_name, 'Your partner')}, {format_uk(r.session_starts_at)}**", markdown=True))
            body.append(facts([("We discussed", _excerpt(r.discussed)), ("Learned", _excerpt(r.learned)), ("Next", _excerpt(r.next_steps))]))
        if older_shared:
            body.append(text(f"...and {older_shared} earlier shared reflections.", subtle=True))
    return card(body)
