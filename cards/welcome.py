"""The 'What can I do?' card a person gets when they first install Tandem: their next step, and how to get help."""

from __future__ import annotations

from typing import Any

from cards.adaptive import card, heading, text


def welcome_card(next_step: str) -> dict[str, Any]:
    return card([
        heading("What can I do?"),
        text(f"**Next:** {next_step}", markdown=True),
        text("Say **help** at any time to see everything you can do. Not sure what a word means? "
             "Ask me, for example **what is a contract?**", subtle=True, markdown=True),
    ])
