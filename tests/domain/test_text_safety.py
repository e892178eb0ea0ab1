"""User text and display names are shown as text: nothing typed can format, link, mention or hide."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings, strategies as st
from markdown_it import MarkdownIt

from bot.domain.limits import MAX_DISPLAY_NAME, MAX_ECHO
from bot.domain.text import clean, escape_markdown, excerpt, person_name, plain


def test_a_markdown_link_shows_literally():
    assert plain("[click](http://evil.example)") == "\\[click\\](http://evil.example)"


def test_a_markdown_image_shows_literally():
    assert plain("![x](http://evil.example/p.png)") == "!\\[x\\](http://evil.example/p.png)"


def test_a_mention_tag_cannot_mention_anyone():
    shown = plain("<at>Chief Constable</at> please call")
    assert "<" not in shown and ">" not in shown
    assert shown == "\u2039at\u203aChief Constable\u2039/at\u203a please call"


@pytest.mark.parametrize("typed", ["<b>bold</b>", "<script>alert(1)</script>", "<a href='http://x'>x</a>", "&lt;b&gt;", "&#60;b&#62;"])
def test_html_tags_and_entities_are_inert(typed):
    shown = plain(typed)
    assert "<" not in shown and ">" not in shown and "&lt;" not in shown and "&#60;" not in shown


@pytest.mark.parametrize("typed, shown", [
    ("**bold**", "\\*\\*bold\\*\\*"), ("_em_", "\\_em\\_"), ("`code`", "\\`code\\`"), ("~~gone~~", "\\~\\~gone\\~\\~"),
    ("a | b", "a \\| b"), ("back\\slash", "back\\\\slash"),
])
def test_emphasis_code_strike_tables_and_backslashes_are_escaped(typed, shown):
    assert plain(typed) == shown


def test_headings_quotes_and_lists_at_the_start_of_a_line_are_escaped():
    shown = plain("# Heading\n- item\n+ item\n1. first\n2) second\n> quote\n===", multiline=True)
    assert shown.splitlines() == ["\\# Heading", "\\- item", "\\+ item", "1\\. first", "2\\) second", "\u203a quote", "\\==="]


@pytest.mark.parametrize("char", ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069", "\u200e", "\u200f", "\u061c"])
def test_bidi_controls_are_removed(char):
    assert plain(f"pay{char}evil.exe") == "payevil.exe"


@pytest.mark.parametrize("char", ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad"])
def test_zero_width_characters_are_removed(char):
    assert plain(f"Ad{char}ele") == "Adele"


@pytest.mark.parametrize("char", ["\x00", "\x07", "\x08", "\x1b", "\x7f", "\x85"])
def test_control_characters_are_removed(char):
    assert plain(f"a{char}b") == "ab"


def test_whitespace_is_collapsed_and_lines_kept_only_where_text_is_multiline():
    assert plain("  one \t two\n\nthree  ") == "one two three"
    assert plain("one\n\n\n\n\ntwo   three\r\nfour", multiline=True) == "one\n\ntwo three\nfour"
    assert plain("a\u2028b") == "a b"


def test_a_display_name_is_cleaned_escaped_and_cut():
    assert person_name("[Boss](http://evil)\u202e") == "\\[Boss\\](http://evil)"
    assert len(person_name("x" * 500)) == MAX_DISPLAY_NAME
    assert person_name("   ", "your mentor") == "your mentor"
    assert person_name("Ad\u200bele <at>Vance</at>") == "Adele \u2039at\u203aVance\u2039/at\u203a"


def test_an_excerpt_for_an_error_message_is_short_cleaned_and_escaped():
    quoted = excerpt("[click](http://evil.example)\u202e " + "x" * 100)
    assert quoted.startswith("\\[click\\]") and quoted.endswith("\u2026")
    assert len(clean("[click](http://evil.example) " + "x" * 100, MAX_ECHO)) == MAX_ECHO


def test_clean_keeps_markdown_for_places_that_do_not_render_it_but_hides_nothing():
    assert clean("[a](b) \u202e<at>x</at>") == "[a](b) \u2039at\u203ax\u2039/at\u203a"


def test_ordinary_words_and_names_are_unchanged():
    for words in ("Adele Vance", "Siân O'Connor-Ní Bhriain", "Understand knife crime in Newham (and why)", "Zoë, 14:30 GMT"):
        assert plain(words) == words


# Whatever is typed ------------------------------------------------------------------------------

HIDDEN_OR_TAG = set("<>") | {chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF)}
TYPED = st.text(alphabet=st.sampled_from(list("ab [](){}!*_`~|#>-+=.1\\<&;/\n\t") + sorted(HIDDEN_OR_TAG) + ["\x00", "\u00e9", "\U0001F46E"]), max_size=120)


def every_special_is_escaped(shown: str) -> bool:
    i = 0
    while i < len(shown):
        if shown[i] == "\\":
            i += 2  # an escape pair
            continue
        if shown[i] in "[]*_`~|\\":
            return False
        i += 1
    return True


@settings(max_examples=400, deadline=None)
@given(TYPED, st.booleans())
def test_nothing_typed_survives_as_formatting_or_hidden_characters(typed, multiline):
    shown = plain(typed, multiline=multiline)
    assert not HIDDEN_OR_TAG & set(shown)
    assert every_special_is_escaped(shown)
    for line in shown.split("\n"):
        assert not line.lstrip()[:1] in ("#", "-", "+", "=")


@settings(max_examples=200, deadline=None)
@given(TYPED, st.integers(min_value=1, max_value=80))
def test_cleaning_is_stable_and_within_its_limit(typed, limit):
    once = clean(typed, limit)
    assert len(once) <= limit and clean(once, limit) == once
    assert escape_markdown(once).replace("\\", "") == once.replace("\\", "")


# Through a real markdown renderer (CommonMark, HTML allowed): nothing but paragraphs and line breaks ------
COMMONMARK = MarkdownIt("commonmark")


def rendered_tags(typed: str) -> set[str]:
    return set(re.findall(r"<(/?[a-zA-Z][a-zA-Z0-9]*)", COMMONMARK.render(plain(typed, multiline=True))))


@pytest.mark.parametrize("typed", [
    "[click](http://evil.example)", "![x](http://evil.example/p.png)", "**bold** _em_ ***both***", "# Heading",
    "- item\n+ item\n* item\n1. one\n2) two", "> quote", "`code`", "    indented code", "a\n===", "a\n---",
    "<at>Boss</at>", "<b>x</b>", "<script>alert(1)</script>", "<http://auto.example>", "&lt;b&gt;",
    "\\[x\\](http://evil.example)", "[x]: http://evil.example\n[x]", "| a | b |\n|---|---|\n| 1 | 2 |",
])
def test_a_commonmark_renderer_shows_hostile_text_as_a_plain_paragraph(typed):
    assert rendered_tags(typed) <= {"p", "/p", "br"}


@settings(max_examples=300, deadline=None)
@given(TYPED)
def test_a_commonmark_renderer_never_finds_formatting_in_anything_typed(typed):
    assert rendered_tags(typed) <= {"p", "/p", "br"}
