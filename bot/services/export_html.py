"""The readable copy of a data export: one self-contained HTML page (no scripts, no links, no fetches)."""

from __future__ import annotations

import re
from html import escape
from typing import Any

STYLE = ("body{font-family:Segoe UI,Arial,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}"
         "h1{font-size:1.6rem}h2{font-size:1.25rem;border-bottom:1px solid #ccc;margin-top:2rem}"
         "dl{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem}dt{font-weight:600}"
         "dd{margin:0;white-space:pre-wrap}section{border-left:3px solid #ddd;padding-left:1rem;margin:1rem 0}"
         ".none{color:#666;font-style:italic}")
# Nothing may load from elsewhere, even if a value somehow held markup (every value is escaped anyway).
CSP = "default-src 'none'; style-src 'unsafe-inline'"


def label(key: str) -> str:
    """'yourReflections' -> 'Your reflections'."""
    words = re.sub(r"(?<!^)(?=[A-Z])", " ", key).lower()
    return words[:1].upper() + words[1:]


def _value(value: Any) -> str:
    if isinstance(value, dict):
        if not value:
            return '<span class="none">none</span>'
        rows = "".join(f"<dt>{escape(label(k))}</dt><dd>{_value(v)}</dd>" for k, v in value.items())
        return f"<dl>{rows}</dl>"
    if isinstance(value, list):
        if not value:
            return '<span class="none">none</span>'
        if all(not isinstance(v, (dict, list)) for v in value):
            return "<ul>" + "".join(f"<li>{_value(v)}</li>" for v in value) + "</ul>"
        return "".join(f"<section>{_value(v)}</section>" for v in value)
    if value is None or value == "":
        return '<span class="none">none</span>'
    if isinstance(value, bool):
        return "yes" if value else "no"
    return escape(str(value))


def render_export_html(export: dict[str, Any]) -> str:
    sections = "".join(
        f"<h2>{escape(label(key))}</h2>{_value(value)}"
        for key, value in export.items() if key not in ("format", "about", "exportedAt")
    )
    return (
        "<!DOCTYPE html><html lang=\"en-GB\"><head><meta charset=\"utf-8\">"
        f"<meta http-equiv=\"Content-Security-Policy\" content=\"{CSP}\">"
        f"<title>Your data in Tandem</title><style>{STYLE}</style></head><body>"
        f"<h1>Your data in Tandem</h1><p>{escape(str(export.get('about', '')))}</p>"
        f"<p>Exported {escape(str(export.get('exportedAt', '')))}.</p>{sections}</body></html>"
    )
