"""The card a choice prompt sends: buttons when they all fit, otherwise a labelled list and one button.

Teams shows at most MAX_ACTIONS top-level actions and shortens long button titles, so options that
would not fit whole go in an Input.ChoiceSet (its choices wrap), and the options that finish the task
stay buttons, first. Every button is an Action.Execute carrying the prompt's token, so a press reaches
the prompt that is waiting, and a press on an old card is recognised as out of date.
"""

from __future__ import annotations

from typing import Any, Sequence

from bot.domain.limits import MAX_CHOICE_TITLE
from bot.domain.text import clean
from cards import verbs
from cards.adaptive import card, done, execute, text

MAX_ACTIONS = 5  # Teams (desktop, web, mobile) shows up to 5 top-level actions without an overflow menu
BUTTON_CHARS = 40  # all button titles together: more than this and Teams shortens them on a phone
CHOICE_INPUT = "choice"


def fits_as_buttons(labels: Sequence[str]) -> bool:
    return len(labels) <= MAX_ACTIONS and sum(len(label) for label in labels) <= BUTTON_CHARS


def choice_card(question: str, labels: Sequence[str], token: str, *, hint: str, finish: Sequence[str] = (),
                list_label: str = "Choose one", pick_title: str = "Choose") -> dict[str, Any]:
    """`labels` in the order their numbers are typed; `finish` (some of the labels) become buttons
    first when the rest go in a list."""

    def button(label: str, style: str | None = None) -> dict[str, Any]:
        number = labels.index(label) + 1
        return execute(clean(label, MAX_CHOICE_TITLE), verbs.CHOICE, {"token": token, CHOICE_INPUT: str(number)}, style=style)

    body = [text(question), text(hint, subtle=True)]
    if fits_as_buttons(labels):
        actions = [button(label) for label in labels]
    else:
        listed = [label for label in labels if label not in finish]
        actions = [button(label, "positive" if i == 0 else None) for i, label in enumerate(finish)]
        body.append({
            "type": "Input.ChoiceSet", "id": CHOICE_INPUT, "label": list_label, "isRequired": True,
            "errorMessage": "Pick one from the list first.", "wrap": True,
            "style": "expanded" if len(listed) <= 6 else "compact",
            "placeholder": list_label,
            # The number is the answer, so a title can be cleaned and cut without changing what is chosen.
            "choices": [{"title": f"{labels.index(label) + 1}. {clean(label, MAX_CHOICE_TITLE)}", "value": str(labels.index(label) + 1)}
                        for label in listed],
        })
        actions.append(execute(pick_title, verbs.CHOICE, {"token": token}))
    result = card(body, actions)
    result["speak"] = question
    return result


def answered_card(question: str, answer: str) -> dict[str, Any]:
    """What a choice card becomes once pressed: the question and the answer, no buttons."""
    return card([text(question), done(f"You chose: {answer}")])
