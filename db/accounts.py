"""The SQL of sign-in: accounts by email, failed-attempt counters, sessions, service clients.

Every function takes a connection inside the caller's transaction; none commits.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID, uuid4

from sqlalchemy import insert, select, update
from sqlalchemy.engine import RowMapping

from db.tables import service_clients, sessions, users
from domain.signin import RefreshState, new_opaque_token, token_digest

_USER_COLUMNS = (
    users.c.id,
    users.c.role,
    users.c.status,
    users.c.password_hash,
    users.c.mfa_enabled,
    users.c.mfa_secret,
    users.c.mfa_last_step,
    users.c.login_attempts,
    users.c.locked_until,
)


async def user_for_signin(conn, email: str) -> RowMapping | None:
    """The account signing in, locked for this transaction so concurrent tries count one by one."""
    # Two spellings keep the unique index on users.email usable: as typed and lower-cased.
    spellings = {email, email.lower()}
    stmt = (
        select(*_USER_COLUMNS)
        .where(users.c.email.in_(spellings), users.c.deleted_at.is_(None))
        .order_by(users.c.email == email.lower())  # prefer the exact spelling if both exist
        .limit(1)
        .with_for_update()
    )
    return (await conn.execute(stmt)).mappings().first()


async def record_failure(
    conn, *, user_id: UUID, attempts: int, locked_until: datetime | None
) -> None:
    await conn.execute(
        update(users)
        .where(users.c.id == user_id)
        .values(login_attempts=attempts, locked_until=locked_until)
    )


async def record_success(
    conn,
    *,
    user_id: UUID,
    now: datetime,
    password_hash: str | None = None,
    mfa_step: int | None = None,
) -> None:
    """Clear the counter and lock, stamp last_login; store a rehash or the TOTP step used."""
    values: dict = {"login_attempts": 0, "locked_until": None, "last_login": now}
    if password_hash is not None:
        values["password_hash"] = password_hash
    if mfa_step is not None:
        values["mfa_last_step"] = mfa_step
    await conn.execute(update(users).where(users.c.id == user_id).values(**values))


async def open_session(
    conn,
    *,
    user_id: UUID,
    expires_at: datetime,
    now: datetime,
    ip_address: str | None,
    user_agent: str | None,
    family_id: UUID | None = None,
) -> str:
    """Store a new refresh token (new family unless given); return it, only its digest is kept."""
    token = new_opaque_token()
    await conn.execute(
        insert(sessions).values(
            user_id=user_id,
            family_id=family_id or uuid4(),
            refresh_token_hash=token_digest(token),
            expires_at=expires_at,
            last_activity=now,
            created_at=now,
            ip_address=ip_address,
            user_agent=(user_agent or "")[:512] or None,
        )
    )
    return token


async def session_for_refresh(conn, token: str) -> RowMapping | None:
    """The refresh token's session with its user's role and status, locked against races."""
    stmt = (
        select(
            sessions.c.id,
            sessions.c.user_id,
            sessions.c.family_id,
            sessions.c.expires_at,
            sessions.c.last_activity,
            sessions.c.rotated_at,
            sessions.c.revoked_at,
            users.c.role,
            users.c.status,
            users.c.deleted_at,
        )
        .join(users, users.c.id == sessions.c.user_id)
        .where(sessions.c.refresh_token_hash == token_digest(token))
        .with_for_update(of=sessions)
    )
    return (await conn.execute(stmt)).mappings().first()


def refresh_state(row: RowMapping) -> RefreshState:
    return RefreshState(
        last_activity=row["last_activity"],
        expires_at=row["expires_at"],
        rotated_at=row["rotated_at"],
        revoked_at=row["revoked_at"],
    )


async def rotate(
    conn, session: RowMapping, *, now: datetime, ip_address: str | None, user_agent: str | None
) -> str:
    """Spend a refresh token and return its successor: same family, same absolute expiry."""
    await conn.execute(
        update(sessions)
        .where(sessions.c.id == session["id"])
        .values(rotated_at=now, last_activity=now)
    )
    return await open_session(
        conn,
        user_id=session["user_id"],
        family_id=session["family_id"],
        expires_at=session["expires_at"],  # rotation never extends the sign-in
        now=now,
        ip_address=ip_address,
        user_agent=user_agent,
    )


async def revoke_family(conn, *, family_id: UUID, now: datetime) -> int:
    """End a sign-in: every token of the family, rotated or not, is revoked."""
    result = await conn.execute(
        update(sessions)
        .where(sessions.c.family_id == family_id, sessions.c.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    return result.rowcount


async def revoke_user_sessions(conn, *, user_id: UUID, now: datetime) -> int:
    """End every sign-in of one user."""
    result = await conn.execute(
        update(sessions)
        .where(sessions.c.user_id == user_id, sessions.c.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    return result.rowcount


async def family_of(conn, token: str) -> UUID | None:
    stmt = select(sessions.c.family_id).where(sessions.c.refresh_token_hash == token_digest(token))
    return (await conn.execute(stmt)).scalar_one_or_none()


async def service_client(conn, client_id: str) -> RowMapping | None:
    """A client_credentials client with the user it acts as."""
    stmt = (
        select(
            service_clients.c.id,
            service_clients.c.secret_hash,
            service_clients.c.revoked_at,
            service_clients.c.user_id,
            users.c.role,
            users.c.status,
            users.c.deleted_at,
        )
        .join(users, users.c.id == service_clients.c.user_id)
        .where(service_clients.c.client_id == client_id)
    )
    return (await conn.execute(stmt)).mappings().first()


async def touch_service_client(conn, *, id: UUID, now: datetime) -> None:
    await conn.execute(
        update(service_clients).where(service_clients.c.id == id).values(last_used_at=now)
    )


async def create_service_client(
    conn, *, client_id: str, secret_hash: str, user_id: UUID, name: str
) -> UUID:
    """Register a client that acts as `user_id`; the caller keeps the secret, we keep its digest."""
    result = await conn.execute(
        insert(service_clients)
        .values(client_id=client_id, secret_hash=secret_hash, user_id=user_id, name=name)
        .returning(service_clients.c.id)
    )
    return result.scalar_one()


async def add_shadow_user(conn, *, user_id: UUID, email: str, role: str, ties: dict) -> bool:
    """A local row for someone who signs in at the external identity provider, so that what
    they write can name them (foreign keys) and an admin can deactivate them here. No
    password: they cannot sign in locally. False when it could not be made (their email
    belongs to a local account, or the provider's ties break a rule); they then act as
    before, unable to write. The first statement of its transaction: a refusal rolls back
    nothing else."""
    from sqlalchemy.dialects.postgresql import insert as pg_insert
    from sqlalchemy.exc import IntegrityError

    try:
        result = await conn.execute(
            pg_insert(users)
            .values(
                id=user_id,
                email=email,
                role=role,
                password_hash=None,
                display_name="(external sign-in)",
                **ties,
            )  # fmt: skip
            .on_conflict_do_nothing()
            .returning(users.c.id)
        )
    except IntegrityError:  # a tie the rules refuse: no shadow, and nothing else was written
        await conn.rollback()
        return False
    return result.first() is not None
