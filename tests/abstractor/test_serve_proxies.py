"""Forwarding headers are believed only from the proxies named in the settings (none by default)."""

from __future__ import annotations

import uvicorn
from fastapi import FastAPI, Request
from fastapi.testclient import TestClient
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from abstractor.cli.serve import proxy_options
from abstractor.settings import ServerSettings


def _peer_app() -> FastAPI:
    app = FastAPI()

    @app.get("/peer")
    def peer(request: Request) -> dict[str, str]:
        assert request.client is not None
        return {"client": request.client.host, "scheme": request.url.scheme}

    return app


def _loaded(trusted: list[str]) -> object:
    config = uvicorn.Config(_peer_app(), **proxy_options(trusted))
    config.load()
    return config.loaded_app


def test_by_default_no_address_may_set_the_client_address_or_scheme():
    assert ServerSettings().trusted_proxies == []
    loaded = _loaded([])
    assert not isinstance(loaded, ProxyHeadersMiddleware)  # uvicorn's own default trusts 127.0.0.1
    with TestClient(loaded, client=("127.0.0.1", 5000)) as client:
        forged = client.get("/peer", headers={"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"})
    assert forged.json() == {"client": "127.0.0.1", "scheme": "http"}


def test_a_named_proxy_gives_the_callers_address_and_scheme():
    loaded = _loaded(["10.0.0.5"])
    assert isinstance(loaded, ProxyHeadersMiddleware)
    headers = {"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"}
    with TestClient(loaded, client=("10.0.0.5", 5000)) as client:
        assert client.get("/peer", headers=headers).json() == {"client": "203.0.113.9", "scheme": "https"}
    with TestClient(loaded, client=("127.0.0.1", 5000)) as client:  # not named: its headers are ignored
        assert client.get("/peer", headers=headers).json() == {"client": "127.0.0.1", "scheme": "http"}
