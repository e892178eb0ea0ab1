"""Who the administrators are: TANDEM_ADMINS (object ids or UPNs), the demo administrator in demo mode only,
and the local service URL that local mode's proactive messages use (loopback only)."""

from __future__ import annotations

import pytest

from app import admin_directory, local_service_url
from bot.demo import ALEX
from bot.settings import Settings, SettingsError


async def test_tandem_admins_lists_object_ids_and_upns():
    settings = Settings.from_env({"TANDEM_ADMINS": " oid-1 , Chief.Constable@force.example ,,"})
    assert settings.admins == ("oid-1", "Chief.Constable@force.example")
    directory = admin_directory(settings)
    assert await directory.is_admin("oid-1", "")
    assert await directory.is_admin("oid-2", "chief.constable@force.example")
    assert not await directory.is_admin("oid-2", "someone@force.example")
    assert "Chief" not in repr(settings)  # who the administrators are is not logged


async def test_the_demo_administrator_is_an_administrator_in_demo_mode_only():
    assert await admin_directory(Settings.from_env({}, local=True, demo=True)).is_admin(ALEX.aad_object_id, "")
    assert not await admin_directory(Settings.from_env({}, local=True)).is_admin(ALEX.aad_object_id, "")


def test_the_local_service_url_must_be_loopback_and_is_for_local_mode_only():
    local = Settings.from_env({"TANDEM_LOCAL_SERVICE_URL": "http://127.0.0.1:56150/_connector"}, local=True)
    assert local_service_url(local) == "http://127.0.0.1:56150/_connector"
    with pytest.raises(SettingsError, match="loopback"):
        Settings.from_env({"TANDEM_LOCAL_SERVICE_URL": "https://smba.trafficmanager.net/uk/"}, local=True)
    with pytest.raises(SettingsError, match="local mode only"):
        Settings.from_env({"TANDEM_LOCAL_SERVICE_URL": "http://127.0.0.1:1/_connector", "MicrosoftAppId": "x"})
