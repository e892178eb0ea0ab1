"""Every card rendered by the adaptivecards npm renderer in headless Chromium, in Teams' light, dark and
high-contrast themes, checked with axe-core (WCAG 2 A and AA, text contrast included); the PNGs are
kept in tests/cards/rendered/THEME/NAME.png for review (git ignores them)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cards.adaptive import card, text
from tests.cards.test_accessibility import CARDS
from tests.cards.render.render import THEMES, axe_violations, card_page, card_pngs, render_cards
from tests.support.chromium import Chromium

RENDERED = Path(__file__).parent / "rendered"


async def save_pngs(browser: Chromium, names: list[str], theme: str) -> int:
    folder = RENDERED / theme
    folder.mkdir(parents=True, exist_ok=True)
    for name, png in (await card_pngs(browser, names)).items():
        (folder / f"{name}.png").write_bytes(png)
    return len(names)


@pytest.mark.parametrize("theme", sorted(THEMES))
async def test_every_card_renders_and_passes_axe_in_each_theme(tmp_path, theme):
    async with Chromium() as browser:
        await browser.open(card_page(tmp_path))
        assert await render_cards(browser, CARDS, theme) == []
        violations = await axe_violations(browser)
        assert violations == [], json.dumps(violations, indent=1)[:4000]
        saved = await save_pngs(browser, sorted(CARDS), theme)
    assert saved == len(CARDS) and all((RENDERED / theme / f"{name}.png").stat().st_size > 1000 for name in CARDS)


async def test_the_contrast_check_fails_the_old_good_green_on_white(tmp_path):
    """The check can fail: "Good" text as the cards used to show it is 2:1 on white."""
    async with Chromium() as browser:
        await browser.open(card_page(tmp_path))
        await render_cards(browser, {"old_done": card([text("You accepted: the contract is in force.", color="Good")])}, "light")
        violations = await axe_violations(browser)
    assert [v["id"] for v in violations] == ["color-contrast"]
