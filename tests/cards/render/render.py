"""Cards rendered as a Teams client would: the npm `adaptivecards` renderer in headless Chromium (driven over
the DevTools protocol by tests/support/chromium.py, the one browser harness), in Teams' light, dark and
high-contrast colours, with axe-core to check the rendered page; and parsed by the same library in node.

    .venv/bin/python -m tests.cards.render.render   (writes the reviewed PNGs in tests/cards/renders/)

The page is self-contained (scripts from node_modules on disk, no fonts or requests), and Chromium can
reach nothing but loopback. The `adaptivecards` renderer draws no Teams charts, so a PNG shows each
chart's fallback.
"""

from __future__ import annotations

import json
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from tests.support.chromium import Chromium

ROOT = Path(__file__).resolve().parents[3]
NODE = ROOT / "node_modules"
PAGE = Path(__file__).with_name("page.html")
PARSER = Path(__file__).with_name("parse_card.js")
RENDERS = ROOT / "tests" / "cards" / "renders"

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


def card_page(folder: Path) -> Path:
    """The rendering page, with the renderer's and axe's scripts pointed at node_modules."""
    html = (PAGE.read_text()
            .replace("__ADAPTIVECARDS_JS__", (NODE / "adaptivecards" / "dist" / "adaptivecards.min.js").as_uri())
            .replace("__ADAPTIVECARDS_CSS__", (NODE / "adaptivecards" / "dist" / "adaptivecards.css").as_uri())
            .replace("__AXE_JS__", (NODE / "axe-core" / "axe.min.js").as_uri()))
    page = folder / "cards.html"
    page.write_text(html)
    return page


async def render_cards(browser: Chromium, cards: dict[str, dict], theme: str) -> list[str]:
    """Render each card in its own section of the open card page; returns the cards that did not render."""
    return await browser.evaluate(f"renderAll({json.dumps(list(cards.items()))}, {json.dumps({'colours': THEMES[theme]})})")


async def axe_violations(browser: Chromium) -> list[dict]:
    return await browser.evaluate(
        f"axe.run(document.getElementById('cards'), {json.dumps(AXE_OPTIONS)})"
        ".then(r => r.violations.map(v => ({id: v.id, help: v.help, nodes: v.nodes.map(n => n.target.join(' ') + ': ' + n.failureSummary)})))")


async def card_pngs(browser: Chromium, names: list[str]) -> dict[str, bytes]:
    """A PNG of each rendered card's section."""
    boxes = await browser.evaluate(
        "Object.fromEntries([...document.querySelectorAll('section.card')].map(s => {"
        "const r = s.getBoundingClientRect(); return [s.id.slice(5), {x: r.x + scrollX, y: r.y + scrollY, width: r.width, height: r.height}]; }))")
    return {name: await browser.screenshot(boxes[name]) for name in names}


async def visible_text(browser: Chromium) -> str:
    return await browser.evaluate("document.body.innerText")


async def render(card: dict[str, Any], png: Path, theme: str = "light") -> str:
    """One card: its PNG written to `png`; returns the text a reader sees on the rendered card."""
    with tempfile.TemporaryDirectory() as work:
        async with Chromium() as browser:
            await browser.open(card_page(Path(work)))
            problems = await render_cards(browser, {"card": card}, theme)
            assert problems == [], problems
            png.parent.mkdir(parents=True, exist_ok=True)
            png.write_bytes((await card_pngs(browser, ["card"]))["card"])
            return await visible_text(browser)


async def screenshot(html: str, png: Path) -> str:
    """Any self-contained page (the HTML export): a PNG of the whole page; returns its visible text."""
    with tempfile.TemporaryDirectory() as work:
        page = Path(work) / "page.html"
        page.write_text(html, encoding="utf-8")
        async with Chromium() as browser:
            await browser.open(page)
            size = await browser.evaluate("({width: document.documentElement.scrollWidth, height: document.documentElement.scrollHeight})")
            png.parent.mkdir(parents=True, exist_ok=True)
            png.write_bytes(await browser.screenshot({"x": 0, "y": 0, **size}))
            return await visible_text(browser)


def parse(card: dict) -> dict:
    """What the `adaptivecards` library makes of the card: parse events and validation events."""
    result = subprocess.run(["node", str(PARSER)], input=json.dumps(card), capture_output=True, text=True, cwd=ROOT,
                            timeout=60, check=True)
    return json.loads(result.stdout)


if __name__ == "__main__":
    import asyncio

    from bot.services.report_formats import report_html
    from cards.report import report_card
    from tests.cards.test_report_card import pilot_report

    async def main() -> None:
        await render(report_card(pilot_report()), RENDERS / "programme_report.png")
        await screenshot(report_html(pilot_report()), RENDERS / "programme_report_html.png")
        print(f"wrote {RENDERS}/programme_report.png and programme_report_html.png")

    asyncio.run(main())
