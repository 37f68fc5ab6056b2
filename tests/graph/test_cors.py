"""CORS: the origins in CORS_ORIGINS may call the API from a browser, and no one else."""

from __future__ import annotations

import pytest

from tests.graph.conftest import app_with

ORIGINS = ("https://app.example.com", "http://localhost:*")
ME = {"query": "{ me { email } }"}


@pytest.fixture(scope="module")
async def browser(db_url):
    async with app_with(db_url, cors_origins=ORIGINS) as client:
        yield client


def _cors_headers(response) -> dict[str, str]:
    return {k: v for k, v in response.headers.items() if k.startswith("access-control-")}


async def _preflight(client, origin: str, headers: str = "authorization, content-type"):
    return await client.options(
        "/graphql",
        headers={"Origin": origin, "Access-Control-Request-Method": "POST",
                 "Access-Control-Request-Headers": headers},
    )  # fmt: skip


@pytest.mark.parametrize("origin", ["https://app.example.com", "http://localhost:5173",
                                    "http://localhost"])  # fmt: skip
async def test_an_allowed_origin_passes_the_preflight(browser, origin):
    response = await _preflight(
        browser, origin, "authorization, content-type, graphql-require-preflight, "
        "x-purpose-of-use, idempotency-key",
    )  # fmt: skip
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == origin
    assert response.headers["access-control-allow-credentials"] == "true"
    assert {"GET", "POST"} <= {
        m.strip() for m in response.headers["access-control-allow-methods"].split(",")
    }
    allowed = {
        h.strip().lower() for h in response.headers["access-control-allow-headers"].split(",")
    }
    assert {"authorization", "content-type", "graphql-require-preflight"} <= allowed
    assert "Origin" in response.headers["vary"]


async def test_an_allowed_origin_reads_the_answer(browser, token_for):
    response = await browser.post(
        "/graphql", json=ME,
        headers={"Origin": "https://app.example.com",
                 "Authorization": f"Bearer {token_for('member@example.com')}"},
    )  # fmt: skip
    assert response.json()["data"]["me"]["email"] == "member@example.com"
    # the origin echoed, never a wildcard beside credentials
    assert response.headers["access-control-allow-origin"] == "https://app.example.com"
    assert response.headers["access-control-allow-credentials"] == "true"
    assert "Retry-After" in response.headers["access-control-expose-headers"]


@pytest.mark.parametrize("origin", ["https://evil.example.com", "https://app.example.com.evil.io",
                                    "http://localhost.evil.io", "https://localhost:8000", "null"])  # fmt: skip
async def test_any_other_origin_gets_no_cors_header(browser, token_for, origin):
    preflight = await _preflight(browser, origin)
    assert preflight.status_code == 400
    assert _cors_headers(preflight) == {}
    response = await browser.post(
        "/graphql", json=ME,
        headers={"Origin": origin, "Authorization": f"Bearer {token_for('member@example.com')}"},
    )  # fmt: skip
    assert _cors_headers(response) == {}


async def test_a_header_the_api_does_not_read_fails_the_preflight(browser):
    response = await _preflight(browser, "https://app.example.com", "x-something-else")
    assert response.status_code == 400


async def test_cross_site_posts_without_a_preflight_are_still_refused(browser):
    # What a page anywhere can send without asking first: the gate refuses it, whatever CORS
    # allows (a form post or text/plain fetch, and a multipart upload without the header).
    for origin in ("https://evil.example.com", "https://app.example.com"):
        as_text = await browser.post(
            "/graphql", content='{"query": "{ me { email } }"}',
            headers={"Origin": origin, "Content-Type": "text/plain"},
        )  # fmt: skip
        assert as_text.status_code == 415
        upload = await browser.post(
            "/graphql", data={"operations": '{"query": "{ me { email } }"}', "map": "{}"},
            files={"0": ("a.txt", b"x")}, headers={"Origin": origin},
        )  # fmt: skip
        assert upload.status_code == 400
        assert upload.json()["errors"][0]["extensions"]["field"] == "GraphQL-Require-Preflight"


async def test_no_origins_by_default(client):
    from graph.config import Settings

    assert Settings().cors_origins == ()
    response = await _preflight(client, "http://localhost:5173")
    assert _cors_headers(response) == {}
    response = await client.post("/graphql", json=ME, headers={"Origin": "http://localhost:5173"})
    assert _cors_headers(response) == {}


@pytest.mark.parametrize("value", ["*", "localhost:3000", "https://app.example.com/path",
                                   "http://*.example.com"])  # fmt: skip
def test_a_wildcard_or_malformed_origin_is_refused_at_start(monkeypatch, value):
    from graph.config import Settings

    monkeypatch.setenv("CORS_ORIGINS", f"https://ok.example.com,{value}")
    with pytest.raises(SystemExit, match="CORS_ORIGINS"):
        Settings()
