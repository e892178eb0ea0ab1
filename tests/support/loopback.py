"""Serving a test's stand-in (connector, OpenID server, Graph) on a free loopback port."""

from __future__ import annotations

from aiohttp import web


async def serve_on_loopback(app: web.Application, *, access_log: bool = True) -> tuple[web.AppRunner, int]:
    """Start `app` on 127.0.0.1 on a port the system picks; the runner (to clean up) and the port."""
    runner = web.AppRunner(app) if access_log else web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    return runner, runner.addresses[0][1]
