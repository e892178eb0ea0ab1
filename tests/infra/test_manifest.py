"""The Teams app manifest validates against Microsoft's schema and lists only commands the bot understands."""

from __future__ import annotations

import json
import struct
import zipfile

import pytest

from dialogs.commands import Command, parse_command
from infra.build_package import MANIFEST_DIR, SCHEMA_PATH, build_package, main, render_manifest, validate_manifest

BOT_ID = "3f0c9d2e-8b1a-4c5d-9e6f-7a8b9c0d1e2f"


def png_size(path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", header[16:24])


def test_manifest_validates_against_the_official_v1_24_schema():
    assert SCHEMA_PATH.exists(), "npm ci installs @microsoft/app-manifest, which ships the schema"
    manifest = render_manifest(BOT_ID)
    assert manifest["manifestVersion"] == "1.24"
    assert validate_manifest(manifest) == []


def test_a_broken_manifest_fails_validation():
    manifest = render_manifest(BOT_ID)
    manifest["bots"][0]["commandLists"][0]["commands"][0]["title"] = "x" * 200
    del manifest["accentColor"]
    problems = validate_manifest(manifest)
    assert any("accentColor" in p for p in problems) and any("title" in p or "too long" in p for p in problems)


def test_every_listed_command_is_one_the_bot_understands():
    for command_list in render_manifest(BOT_ID)["bots"][0]["commandLists"]:
        for command in command_list["commands"]:
            assert parse_command(command["title"]).command is not Command.UNKNOWN, command["title"]


def test_icons_have_the_sizes_teams_requires():
    assert png_size(MANIFEST_DIR / "color.png") == (192, 192)
    assert png_size(MANIFEST_DIR / "outline.png") == (32, 32)
    colour_type = (MANIFEST_DIR / "outline.png").read_bytes()[25]
    assert colour_type == 6  # RGBA: the outline icon is white on a transparent background


def test_package_zip_holds_the_manifest_and_both_icons(tmp_path):
    path = build_package(BOT_ID, tmp_path / "app.zip")
    with zipfile.ZipFile(path) as package:
        assert sorted(package.namelist()) == ["color.png", "manifest.json", "outline.png"]
        text = package.read("manifest.json").decode()
    assert "{{" not in text
    manifest = json.loads(text)
    assert manifest["id"] == BOT_ID and manifest["bots"][0]["botId"] == BOT_ID


@pytest.mark.parametrize("bad_id", ["", "not-a-guid", "3f0c9d2e-8b1a-4c5d-9e6f"])
def test_a_bad_bot_id_gets_a_clear_message_not_a_traceback(bad_id, capsys, tmp_path):
    assert main(["--bot-id", bad_id, "--output", str(tmp_path / "x.zip")]) == 2
    assert "GUID" in capsys.readouterr().err
    assert not (tmp_path / "x.zip").exists()
