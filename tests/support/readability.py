"""Reading grade of the bot's words, measured with textstat (Flesch-Kincaid grade level).

textstat counts English syllables with NLTK's CMU dictionary, which it downloads on first use; tests
never reach outside loopback, so syllables come from pyphen's hyphenation dictionaries instead (shipped
inside the pyphen package, which textstat already uses for words the CMU dictionary lacks).
"""

from __future__ import annotations

import re

import textstat
from textstat.backend.counts import _count_syllables

_count_syllables.get_cmudict = lambda lang: None  # no download: every word goes to the pyphen fallback

# Grade 9 is about age 14-15 in England (Year 10): comfortable for a 16-year-old volunteer.
MAX_GRADE = 9.0


def plain(text: str) -> str:
    """What a reader reads: no bold or code markers; each line of a list read as a sentence of its own
    (a list item is read on its own, not run into the next one)."""
    lines = [re.sub(r"\*\*|`|^\s*- ", "", line).strip() for line in text.splitlines()]
    return " ".join(line if line[-1] in ".!?:;" else line + "." for line in lines if line)


def grade(text: str) -> float:
    return float(textstat.flesch_kincaid_grade(plain(text)))
