"""The card that asks someone to confirm erasing their data."""

from __future__ import annotations

from typing import Any

from cards import verbs
from cards.adaptive import card, done, execute, heading, text


def erase_confirm_card() -> dict[str, Any]:
    return card(
        [heading("Delete your data from Tandem?"),
         text("This erases your reflections and your details (name, email, how to reach you) and ends your "
              "pairings: booked sessions are cancelled and reminders stop. Your partner and programme manager "
              "will see 'a former participant'; your manager is told that an erasure happened, not what was in it. "
              "It can't be undone."),
         text("The audit log keeps a record that you asked, without any content.", subtle=True)],
        [execute("Delete my data", verbs.MY_DATA_ERASE, {}, style="destructive"),
         execute("Keep it", verbs.MY_DATA_KEEP, {})],
    )


def erase_answered_card(erased: bool) -> dict[str, Any]:
    return card([heading("Delete your data from Tandem?"),
                 done("You chose to delete your data." if erased else "You chose to keep your data.")])
