"""A manager sends a roster CSV in their personal chat with Tandem. Teams hands the bot a file download
link; Tandem fetches it (https only, or 127.0.0.1 in tests, within 5 MB and a time limit), asks which
programme if they manage several, and imports it all or nothing, replying with the counts or every bad row.
Files are served by a loopback download server standing in for OneDrive."""

from __future__ import annotations

import pytest
from aiohttp import web
from botbuilder.schema import Attachment

from bot.domain.enrolment import Status
from bot.teams.roster_file import FILE_DOWNLOAD_INFO, MAX_ROSTER_BYTES, RosterFiles
from tests.dialogs.harness import World, text_of, user
from tests.support.loopback import serve_on_loopback

MANAGER = user("Manager")
GOOD = ("email,name,role,focus_areas\n"
        "megan@force.example,Megan,mentor,knife crime\nadele@force.example,Adele,mentee,knife crime\n"
        "lynne@force.example,Lynne,reserve,\n")


class Downloads:
    """GET /files/{name}: the bytes put there; counts the requests."""

    def __init__(self):
        self.files: dict[str, bytes] = {}
        self.streamed: dict[str, int] = {}  # sent in chunks with no Content-Length
        self.requests: list[str] = []
        self.url = ""

    async def get(self, request: web.Request) -> web.StreamResponse:
        name = request.match_info["name"]
        self.requests.append(name)
        if name in self.streamed:
            response = web.StreamResponse()
            response.enable_chunked_encoding()
            await response.prepare(request)
            for _ in range(self.streamed[name] // 65536 + 1):
                await response.write(b"a" * 65536)
            await response.write_eof()
            return response
        if name not in self.files:
            return web.Response(status=404)
        return web.Response(body=self.files[name], content_type="text/csv")

    def link(self, name: str) -> str:
        return f"{self.url}files/{name}"


@pytest.fixture
async def downloads():
    served = Downloads()
    app = web.Application()
    app.router.add_get("/files/{name}", served.get)
    runner, port = await serve_on_loopback(app, access_log=False)
    served.url = f"http://127.0.0.1:{port}/"
    yield served
    await runner.cleanup()


async def send_file(chat, url: str, name: str = "roster.csv", file_type: str = "csv"):
    return await chat.say("", attachments=[Attachment(
        content_type=FILE_DOWNLOAD_INFO, name=name,
        content={"downloadUrl": url, "uniqueId": "1a2b", "fileType": file_type})])


async def test_a_good_roster_is_imported_into_the_managers_only_programme(world: World, downloads):
    programme = await world.programme(MANAGER, "Force mentoring")
    downloads.files["roster.csv"] = ("\ufeff" + GOOD).encode("utf-8")
    reply = text_of(await send_file(world.chat(MANAGER), downloads.link("roster.csv")))
    assert "Imported into Force mentoring: 3 people" in reply and "3 new, 0 updated" in reply
    participants = await world.services.ctx.repos.participants.in_programme(programme.id)
    assert sorted(p.email for p in participants) == ["adele@force.example", "lynne@force.example", "megan@force.example"]
    assert all(p.status is Status.INVITED for p in participants)


async def test_a_manager_of_several_programmes_is_asked_which_and_only_that_one_changes(world: World, downloads):
    first = await world.programme(MANAGER, "Force mentoring")
    second = await world.programme(MANAGER, "Reverse pilot")
    downloads.files["roster.csv"] = GOOD.encode()
    chat = world.chat(MANAGER)
    asked = text_of(await send_file(chat, downloads.link("roster.csv")))
    assert "Which programme is it for?" in asked and "Reverse pilot" in asked
    assert await world.services.ctx.repos.participants.in_programme(second.id) == []  # nothing before the choice
    reply = text_of(await chat.say("reverse"))
    assert "Imported into Reverse pilot: 3 people" in reply
    assert len(await world.services.ctx.repos.participants.in_programme(second.id)) == 3
    assert await world.services.ctx.repos.participants.in_programme(first.id) == []
    assert downloads.requests == ["roster.csv", "roster.csv"]  # checked on arrival, fetched again to import


async def test_every_bad_row_is_listed_up_to_a_cap_and_nothing_is_imported(world: World, downloads):
    programme = await world.programme(MANAGER, "Force mentoring")
    bad = GOOD + "".join(f"person{n}@force.example,P{n},captain,\n" for n in range(20))
    downloads.files["bad.csv"] = bad.encode()
    reply = text_of(await send_file(world.chat(MANAGER), downloads.link("bad.csv"), "bad.csv"))
    assert "I didn't import anything: the file has 20 problems" in reply
    assert "line 5, column role" in reply and "line 19, column role" in reply
    assert "line 20, column role" not in reply and "...and 5 more." in reply
    assert await world.services.ctx.repos.participants.in_programme(programme.id) == []


@pytest.mark.parametrize("name, file_type, content, expected", [
    ("roster.xlsx", "xlsx", b"PK\x03\x04", "isn't a CSV file"),
    ("empty.csv", "csv", b"\xef\xbb\xbf \n", "That file is empty"),
    ("missing.csv", "csv", None, "couldn't download that file"),
])
async def test_a_file_that_is_not_a_usable_csv_gets_a_kind_message(world: World, downloads, name, file_type, content, expected):
    programme = await world.programme(MANAGER, "Force mentoring")
    if content is not None:
        downloads.files[name] = content
    reply = text_of(await send_file(world.chat(MANAGER), downloads.link(name), name, file_type))
    assert expected in reply and "Traceback" not in reply
    assert await world.services.ctx.repos.participants.in_programme(programme.id) == []
    if file_type != "csv":
        assert downloads.requests == []  # not even fetched


async def test_a_file_over_5_mb_is_refused_whether_or_not_its_size_is_announced(world: World, downloads):
    await world.programme(MANAGER, "Force mentoring")
    downloads.files["big.csv"] = b"email,role\n" + b"x" * MAX_ROSTER_BYTES
    downloads.streamed["chunked.csv"] = MAX_ROSTER_BYTES + 1
    chat = world.chat(MANAGER)
    assert "over 5 MB" in text_of(await send_file(chat, downloads.link("big.csv")))
    assert "over 5 MB" in text_of(await send_file(chat, downloads.link("chunked.csv"), "chunked.csv"))


async def test_only_a_programme_manager_can_import_and_nothing_is_fetched_for_anyone_else(world: World, downloads):
    await world.programme(MANAGER, "Force mentoring")
    downloads.files["roster.csv"] = GOOD.encode()
    reply = text_of(await send_file(world.chat(user("Sam")), downloads.link("roster.csv")))
    assert "Only a programme's managers can import a roster" in reply and downloads.requests == []


async def test_a_roster_file_in_a_group_chat_is_refused_with_a_link_to_the_personal_chat(world: World, downloads):
    await world.programme(MANAGER, "Force mentoring")
    downloads.files["roster.csv"] = GOOD.encode()
    from tests.dialogs.test_authorisation_dialogs import BOT_MENTION
    chat = world.chat(MANAGER, "groupChat")
    reply = text_of(await chat.say("<at>Tandem</at>", entities=BOT_MENTION, attachments=[Attachment(
        content_type=FILE_DOWNLOAD_INFO, name="roster.csv", content={"downloadUrl": downloads.link("roster.csv"), "fileType": "csv"})]))
    assert "only take roster files in our personal chat" in reply and downloads.requests == []


def test_only_https_links_are_fetched_outside_local_mode():
    teams = RosterFiles()
    assert teams.allowed("https://contoso.sharepoint.com/personal/x/download.aspx?tempauth=abc")
    assert not teams.allowed("http://contoso.sharepoint.com/x.csv")
    assert not teams.allowed("http://127.0.0.1:8080/x.csv") and not teams.allowed("https://127.0.0.1/x.csv")
    assert not teams.allowed("file:///etc/passwd")
    assert not teams.allowed("https://10.0.0.5/x.csv") and not teams.allowed("https://169.254.169.254/latest")
    local = RosterFiles(allow_loopback=True)
    assert local.allowed("http://127.0.0.1:8080/x.csv") and not local.allowed("http://10.0.0.5/x.csv")


async def test_typing_import_roster_says_how_to_send_the_file(world: World):
    await world.programme(MANAGER, "Force mentoring")
    assert "attach the CSV file to a message in our personal chat" in text_of(await world.chat(MANAGER).say("import roster"))


def test_the_link_that_adds_tandem_uses_the_teams_app_id_or_the_bots_id():
    from bot.settings import Settings, SettingsError

    assert Settings.from_env({"MicrosoftAppId": "0b1c2d3e-0000-4000-8000-000000000001"}).teams_app_id == "0b1c2d3e-0000-4000-8000-000000000001"
    assert Settings.from_env({"MicrosoftAppId": "x", "TANDEM_TEAMS_APP_ID": "3F2504E0-4F89-41D3-9A0C-0305E82C3301"}).teams_app_id \
        == "3f2504e0-4f89-41d3-9a0c-0305e82c3301"
    with pytest.raises(SettingsError):
        Settings.from_env({"TANDEM_TEAMS_APP_ID": "tandem"})
