"""Renders an Adaptive Card with the npm `adaptivecards` renderer in headless Chromium: a PNG for review and the DOM.

    .venv/bin/python -m tests.cards.render.render   (writes tests/cards/renders/programme_report.png)

The page is self-contained (the renderer's script inlined, no fonts or requests). Chromium is started with
background networking off and every request sent to a dead loopback proxy, so it contacts nothing.
The `adaptivecards` renderer draws no Teams charts, so the PNG shows each chart's fallback.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
RENDERER = ROOT / "node_modules" / "adaptivecards" / "dist" / "adaptivecards.min.js"
PARSER = Path(__file__).with_name("parse_card.js")
RENDERS = ROOT / "tests" / "cards" / "renders"
OFFLINE_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run", "--disable-sync",
    "--disable-background-networking", "--disable-component-update", "--disable-default-apps", "--disable-extensions",
    "--disable-domain-reliability", "--disable-breakpad", "--metrics-recording-only",
    "--proxy-server=127.0.0.1:9", "--proxy-bypass-list=<-loopback>",
]

PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><style>body{{margin:0;padding:16px;background:#f5f5f5;
font-family:sans-serif}}#card{{width:640px;background:#fff}}</style></head><body><div id="card"></div>
<script>{renderer}</script><script>
const card = new AdaptiveCards.AdaptiveCard();
card.hostConfig = new AdaptiveCards.HostConfig({{fontFamily: "sans-serif"}});
card.parse({card});
document.getElementById("card").appendChild(card.render());
</script></body></html>"""


def chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    raise FileNotFoundError("Chromium is not installed: scripts/setup.sh installs it (apt-get install chromium)")


def parse(card: dict) -> dict:
    """What the `adaptivecards` library makes of the card: parse events and validation events."""
    result = subprocess.run(["node", str(PARSER)], input=json.dumps(card), capture_output=True, text=True, cwd=ROOT,
                            timeout=60, check=True)
    return json.loads(result.stdout)


def render(card: dict, png: Path, height: int = 2600) -> str:
    """Write a screenshot of the rendered card to `png`; return the rendered DOM."""
    return screenshot(PAGE.format(renderer=RENDERER.read_text(encoding="utf-8"), card=json.dumps(card)), png, height)


def screenshot(html: str, png: Path, height: int = 2600) -> str:
    """Any self-contained page (the card page, or the HTML export): a PNG and the DOM after its scripts ran."""
    with tempfile.TemporaryDirectory() as work:
        page = Path(work) / "page.html"
        page.write_text(html, encoding="utf-8")
        profile = ["--user-data-dir=" + str(Path(work) / "profile")]
        run = lambda *extra: subprocess.run([chromium(), *OFFLINE_FLAGS, *profile, *extra, page.as_uri()],  # noqa: E731
                                            capture_output=True, text=True, timeout=120, check=True)
        png.parent.mkdir(parents=True, exist_ok=True)
        run(f"--screenshot={png}", f"--window-size=700,{height}")
        return run("--dump-dom").stdout


if __name__ == "__main__":
    from bot.services.report_formats import report_html
    from cards.report import report_card
    from tests.cards.test_report_card import pilot_report

    for name, write in (("programme_report.png", lambda t: render(report_card(pilot_report()), t)),
                        ("programme_report_html.png", lambda t: screenshot(report_html(pilot_report()), t, 2200))):
        write(RENDERS / name)
        print(f"wrote {RENDERS / name}")
