"""Every card rendered by the adaptivecards npm renderer in headless Chromium, in Teams' light, dark and
high-contrast themes, checked with axe-core (WCAG 2 A and AA, text contrast included); the PNGs are
kept in tests/cards/rendered/THEME/NAME.png for review (git ignores them)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cards.adaptive import card, text
from tests.cards.test_accessibility import CARDS
from tests.support.chromium import Chromium

ROOT = Path(__file__).resolve().parents[2]
PAGE = Path(__file__).parent / "render" / "page.html"
RENDERED = Path(__file__).parent / "rendered"
NODE = ROOT / "node_modules"

# The colours Teams uses in each theme (text, subtle text, accents, buttons), as its host config sets them.
THEMES = {
    "light": {"background": "#ffffff", "text": "#242424", "subtle": "#616161", "accent": "#4f52b2",
              "attention": "#c4314b", "good": "#54a254", "warning": "#c19c00", "button": "#5b5fc7", "buttonText": "#ffffff"},
    "dark": {"background": "#292929", "text": "#ffffff", "subtle": "#d6d6d6", "accent": "#a6a7dc",
             "attention": "#f9526b", "good": "#92c353", "warning": "#f8d22a", "button": "#4f52b2", "buttonText": "#ffffff"},
    "high-contrast": {"background": "#000000", "text": "#ffffff", "subtle": "#ffffff", "accent": "#1aebff",
                      "attention": "#ffff01", "good": "#3ff23f", "warning": "#ffff01", "button": "#000000", "buttonText": "#ffff01"},
}
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


def page_for_tests(tmp_path: Path) -> Path:
    html = (PAGE.read_text()
            .replace("__ADAPTIVECARDS_JS__", (NODE / "adaptivecards" / "dist" / "adaptivecards.min.js").as_uri())
            .replace("__ADAPTIVECARDS_CSS__", (NODE / "adaptivecards" / "dist" / "adaptivecards.css").as_uri())
            .replace("__AXE_JS__", (NODE / "axe-core" / "axe.min.js").as_uri()))
    page = tmp_path / "cards.html"
    page.write_text(html)
    return page


async def render(browser: Chromium, cards: dict[str, dict], theme: str) -> list[str]:
    problems = await browser.evaluate(f"renderAll({json.dumps(list(cards.items()))}, {json.dumps({'colours': THEMES[theme]})})")
    return problems


async def axe_violations(browser: Chromium) -> list[dict]:
    result = await browser.evaluate(
        f"axe.run(document.getElementById('cards'), {json.dumps(AXE_OPTIONS)})"
        ".then(r => r.violations.map(v => ({id: v.id, help: v.help, nodes: v.nodes.map(n => n.target.join(' ') + ': ' + n.failureSummary)})))")
    return result


async def save_pngs(browser: Chromium, names: list[str], theme: str) -> int:
    folder = RENDERED / theme
    folder.mkdir(parents=True, exist_ok=True)
    boxes = await browser.evaluate(
        "Object.fromEntries([...document.querySelectorAll('section.card')].map(s => {"
        "const r = s.getBoundingClientRect(); return [s.id.slice(5), {x: r.x + scrollX, y: r.y + scrollY, width: r.width, height: r.height}]; }))")
    for name in names:
        (folder / f"{name}.png").write_bytes(await browser.screenshot(boxes[name]))
    return len(names)


@pytest.mark.parametrize("theme", sorted(THEMES))
async def test_every_card_renders_and_passes_axe_in_each_theme(tmp_path, theme):
    async with Chromium() as browser:
        await browser.open(page_for_tests(tmp_path))
        assert await render(browser, CARDS, theme) == []
        violations = await axe_violations(browser)
        assert violations == [], json.dumps(violations, indent=1)[:4000]
        saved = await save_pngs(browser, sorted(CARDS), theme)
    assert saved == len(CARDS) and all((RENDERED / theme / f"{name}.png").stat().st_size > 1000 for name in CARDS)


async def test_the_contrast_check_fails_the_old_good_green_on_white(tmp_path):
    """The check can fail: "Good" text as the cards used to show it is 2:1 on white."""
    async with Chromium() as browser:
        await browser.open(page_for_tests(tmp_path))
        await render(browser, {"old_done": card([text("You accepted: the contract is in force.", color="Good")])}, "light")
        violations = await axe_violations(browser)
    assert [v["id"] for v in violations] == ["color-contrast"]
