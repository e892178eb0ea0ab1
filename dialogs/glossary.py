"""Short, plain explanations of every word Tandem uses: 'what is a no-fault close?' gets an answer."""

from __future__ import annotations

from dialogs.choices import fold

# term: (explanation, other ways people say it)
TERMS: dict[str, tuple[str, tuple[str, ...]]] = {
    "contract": ("Your mentoring contract is what you and your partner agree at the start: your goals, how often "
                 "you meet, how you keep in touch and the limits. The mentee drafts it and the mentor accepts it. "
                 "Say **contract** to see yours.", ("mentoring contract", "agreement")),
    "amendment": ("An amendment is a change to a contract that is already agreed. Either of you can propose one, "
                  "and the other accepts it. Say **contract** to start.", ("amend", "change to the contract")),
    "no-fault close": ("A no-fault close ends a pairing without blaming anyone. Sometimes a pair just doesn't work, "
                       "and that's fine. Say **no-fault close** and your programme manager will talk it through "
                       "with you first. I won't tell your partner.", ("no fault close", "close", "close the pairing")),
    "session": ("A session is one meeting with your partner. Say **schedule** to book one, and **sessions** to "
                "see them.", ("meeting", "mentoring session")),
    "reflection": ("A reflection is a few private notes after a session: what you talked about, what you learned "
                   "and what you'll do next. Only you can read it, unless you share it. Say **reflect**.",
                   ("reflect", "private reflection")),
    "mentor": ("A mentor shares what they know and helps their mentee think things through.", ()),
    "mentee": ("A mentee is the person being mentored. They set the goals and draft the contract.", ()),
    "reverse mentoring": ("In reverse mentoring, a newer colleague mentors a more senior one. Each learns how the "
                          "other sees the job.", ()),
    "programme manager": ("Your programme manager runs the mentoring programme and pairs people. They see whether "
                          "pairs are meeting, never what you say or write.", ("manager", "programme", "program")),
    "pairing": ("A pairing is one mentor and one mentee working together in a programme.", ("pair", "partner")),
    "confidentiality": ("What you talk about stays between you and your partner. There is one limit: misconduct or a "
                        "risk to someone's safety must be reported. Whoever hears it will say so at the time.",
                        ("confidential", "confidentiality limit", "private")),
    "safeguarding": ("Safeguarding means keeping people safe from harm. If someone is at risk, it must be reported, "
                     "even in mentoring.", ()),
    "reminders": ("I send reminders before a session, ask if it happened, and nudge you to book the next one. Say "
                  "**pause reminders for 2 weeks** to pause them, or **resume reminders**.", ("nudge", "reminder", "nudges")),
    "cadence": ("Cadence means how often you meet: every two weeks, monthly or every six weeks. It's in your "
                "contract.", ("how often",)),
    "on track": ("On track means a pair is meeting as their contract says.", ()),
    "at risk": ("At risk means a pair may be slipping, for example their next session isn't booked yet. Their "
                "programme manager can see this.", ()),
    "drifting": ("Drifting means a pair has stopped meeting as agreed, for example no session for five weeks. "
                 "Their programme manager is told, so they can help.", ("drift",)),
}


def _key(text: str) -> str:
    words = fold(text).replace("-", " ").split()
    return " ".join(w[:-1] if len(w) > 4 and w.endswith("s") and not w.endswith("ss") else w for w in words)


_INDEX = {_key(name): term for term, (_, also) in TERMS.items() for name in (term, *also)}


def explain(asked: str) -> str:
    term = _INDEX.get(_key(asked))
    if term is not None:
        return TERMS[term][0]
    known = ", ".join(f"**{t}**" for t in TERMS)
    return (f"Sorry, I didn't understand \"{asked.strip()[:60]}\". I can explain these words: {known}. "
            "Or say **help** to see what you can do.")
