"""What the sign-in tests share: throwaway users (the demo personas are shared) and the
token endpoint's calls."""

from __future__ import annotations

import uuid

import pytest
from argon2 import PasswordHasher
from sqlalchemy import insert, select, text

from db.tables import users

PASSWORD = "correct horse battery staple"
ME = "{ me { email } }"


@pytest.fixture
def make_user(engine):
    """A fresh adjudicator account (no record ties needed) with a known password."""

    async def make(*, password: str | None = PASSWORD, **values) -> str:
        email = f"signin-{uuid.uuid4().hex[:10]}@example.com"
        hashed = PasswordHasher().hash(password) if password else None
        async with engine.begin() as conn:
            await conn.execute(
                insert(users).values(
                    email=email, role="adjudicator", password_hash=hashed, **values
                )
            )
        return email

    return make


async def _sql(engine, statement: str, **params) -> None:
    async with engine.begin() as conn:
        await conn.execute(text(statement), params)


async def _user(engine, email: str):
    async with engine.connect() as conn:
        return (await conn.execute(select(users).where(users.c.email == email))).mappings().one()


async def _token(client, **form):
    return await client.post("/auth/token", data=form)


async def _password(client, email: str, password: str = PASSWORD, **extra):
    return await _token(client, grant_type="password", username=email, password=password, **extra)


async def _me(client, access_token: str):
    response = await client.post(
        "/graphql", json={"query": ME}, headers={"Authorization": f"Bearer {access_token}"}
    )
    return response.json()["data"]["me"]["email"]


def _refused(response, error: str = "invalid_grant", status: int = 400) -> str:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["error"] == error
    assert response.headers["cache-control"] == "no-store"
    return body.get("error_description", "")


# -- password grant --
