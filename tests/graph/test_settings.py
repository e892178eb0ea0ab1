"""TANDEM_GRAPH_* settings: off unless asked for, and a clear message for every missing piece."""

from __future__ import annotations

import pytest

from bot.settings import GraphAuth, Settings, SettingsError


def test_graph_is_off_unless_a_mode_is_named():
    settings = Settings.from_env({})
    assert settings.graph.auth is GraphAuth.OFF and not settings.graph.enabled
    assert "deep links" in repr(settings)


def test_client_secret_mode_reads_every_setting_and_never_prints_the_secret():
    settings = Settings.from_env({
        "TANDEM_GRAPH_AUTH": "client-secret", "TANDEM_GRAPH_TENANT_ID": "t", "TANDEM_GRAPH_CLIENT_ID": "c",
        "TANDEM_GRAPH_CLIENT_SECRET": "hunter2", "TANDEM_ORGANISER_MAILBOX": "tandem@police.example",
        "TANDEM_GRAPH_BASE_URL": "https://graph.microsoft.us/v1.0/",
        "TANDEM_GRAPH_AUTHORITY": "https://login.microsoftonline.us"})
    graph = settings.graph
    assert (graph.tenant_id, graph.client_id, graph.organiser_mailbox) == ("t", "c", "tandem@police.example")
    assert graph.base_url == "https://graph.microsoft.us/v1.0"
    assert graph.resource == "https://graph.microsoft.us"
    assert graph.authority == "https://login.microsoftonline.us"
    assert "hunter2" not in repr(settings) and "hunter2" not in repr(graph)


def test_managed_identity_needs_nothing_else():
    graph = Settings.from_env({"TANDEM_GRAPH_AUTH": "managed-identity",
                               "TANDEM_GRAPH_IDENTITY_CLIENT_ID": "mi"}).graph
    assert graph.auth is GraphAuth.MANAGED_IDENTITY and graph.identity_client_id == "mi"


@pytest.mark.parametrize("env, message", [
    ({"TANDEM_GRAPH_AUTH": "magic"}, "must be one of"),
    ({"TANDEM_GRAPH_AUTH": "client-secret", "TANDEM_GRAPH_TENANT_ID": "t", "TANDEM_GRAPH_CLIENT_ID": "c"},
     "also needs TANDEM_GRAPH_CLIENT_SECRET"),
    ({"TANDEM_GRAPH_AUTH": "certificate", "TANDEM_GRAPH_TENANT_ID": "t", "TANDEM_GRAPH_CLIENT_ID": "c",
      "TANDEM_GRAPH_CERTIFICATE_PATH": "/nonexistent/tandem.pem"}, "not a readable file"),
    ({"TANDEM_GRAPH_AUTH": "managed-identity", "TANDEM_GRAPH_BASE_URL": "http://graph.example/v1.0"},
     "must use https"),
])
def test_unusable_graph_settings_say_how_to_fix_them(env, message):
    with pytest.raises(SettingsError, match=message):
        Settings.from_env(env)
