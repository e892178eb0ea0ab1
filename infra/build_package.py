"""Builds the Teams app package (manifest.json + icons in a zip), validated against the official schema.

Usage: python -m infra.build_package --bot-id <GUID> [--output build/tandem-teams-app.zip]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import zipfile
from pathlib import Path

from jsonschema import Draft4Validator

ROOT = Path(__file__).resolve().parents[1]
MANIFEST_DIR = ROOT / "infra" / "manifest"
SCHEMA_PATH = ROOT / "node_modules" / "@microsoft" / "app-manifest" / "build" / "json-schemas" / "teams" / "v1.24" / "MicrosoftTeams.schema.json"
ICONS = ("color.png", "outline.png")
GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


class PackageError(ValueError):
    """The package cannot be built; the message says why."""


def render_manifest(bot_id: str) -> dict:
    if not GUID.match(bot_id or ""):
        raise PackageError(f"The bot id must be the bot's Microsoft App ID, a GUID like 00000000-0000-0000-0000-000000000000, not {bot_id!r}.")
    template = (MANIFEST_DIR / "manifest.json").read_text()
    return json.loads(template.replace("{{BOT_ID}}", bot_id))


def validate_manifest(manifest: dict, schema_path: Path = SCHEMA_PATH) -> list[str]:
    """Schema errors, as readable lines; empty when the manifest is valid."""
    if not schema_path.exists():
        raise PackageError(f"The Teams manifest schema is missing ({schema_path}). Run 'npm ci' first.")
    schema = json.loads(schema_path.read_text())
    validator = Draft4Validator(schema)
    return [f"{'/'.join(str(p) for p in error.absolute_path) or '(root)'}: {error.message}"
            for error in sorted(validator.iter_errors(manifest), key=lambda e: list(e.absolute_path))]


def build_package(bot_id: str, output: Path) -> Path:
    manifest = render_manifest(bot_id)
    problems = validate_manifest(manifest)
    if problems:
        raise PackageError("The manifest does not match the Teams schema:\n" + "\n".join(problems))
    output.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("manifest.json", json.dumps(manifest, indent=2))
        for icon in ICONS:
            package.write(MANIFEST_DIR / icon, icon)
    return output


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build the Tandem Teams app package.")
    parser.add_argument("--bot-id", required=True, help="the bot's Microsoft App ID (a GUID)")
    parser.add_argument("--output", type=Path, default=ROOT / "build" / "tandem-teams-app.zip")
    args = parser.parse_args(argv)
    try:
        path = build_package(args.bot_id, args.output)
    except PackageError as problem:
        print(problem, file=sys.stderr)
        return 2
    print(f"Built {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
