"""Sign-in rules without a database: lockout, refresh verdicts, opaque tokens, TOTP replay."""

from datetime import UTC, datetime, timedelta

from domain.signin import (
    LOCKOUT,
    MAX_FAILED_ATTEMPTS,
    REFRESH_IDLE,
    SESSION_LIFETIME,
    Attempts,
    RefreshState,
    RefreshVerdict,
    after_failure,
    after_success,
    digests_match,
    ends_session,
    is_locked,
    judge_refresh,
    new_opaque_token,
    session_expiry,
    token_digest,
    totp_step_acceptable,
)

NOW = datetime(2026, 3, 9, 12, 0, tzinfo=UTC)


def _fail(times: int, start: Attempts = Attempts(0, None), now: datetime = NOW) -> Attempts:
    state = start
    for _ in range(times):
        state = after_failure(state, now)
    return state


def test_the_rules_are_the_ones_the_plan_promised():
    assert MAX_FAILED_ATTEMPTS == 5
    assert LOCKOUT == timedelta(minutes=15)
    assert REFRESH_IDLE == timedelta(minutes=30)
    assert session_expiry(NOW) == NOW + SESSION_LIFETIME


def test_four_failures_count_but_do_not_lock():
    state = _fail(4)
    assert state == Attempts(4, None)
    assert not state.locked(NOW)


def test_the_fifth_failure_in_a_row_locks_for_fifteen_minutes():
    state = _fail(5)
    assert state.count == 5
    assert state.locked_until == NOW + LOCKOUT
    assert state.locked(NOW + LOCKOUT - timedelta(seconds=1))
    assert is_locked(state.locked_until, NOW + timedelta(minutes=14))


def test_the_lock_ends_after_fifteen_minutes():
    state = _fail(5)
    assert not state.locked(NOW + LOCKOUT)
    assert not is_locked(state.locked_until, NOW + LOCKOUT + timedelta(seconds=1))
    assert not is_locked(None, NOW)


def test_after_a_lock_ends_the_count_starts_again():
    locked = _fail(5)
    later = NOW + LOCKOUT + timedelta(minutes=1)
    once_more = after_failure(locked, later)
    assert once_more == Attempts(1, None)  # five fresh tries, not an instant re-lock
    assert _fail(4, once_more, later).locked(later)


def test_success_clears_the_counter_and_lock():
    assert after_success() == Attempts(0, None)
    assert after_failure(after_success(), NOW) == Attempts(1, None)


def _state(**kw) -> RefreshState:
    base = {"last_activity": NOW - timedelta(minutes=5), "expires_at": NOW + timedelta(hours=1)}
    return RefreshState(**{**base, **kw})


def test_a_fresh_unrotated_token_is_valid():
    assert judge_refresh(_state(), NOW) is RefreshVerdict.VALID
    edge = _state(last_activity=NOW - REFRESH_IDLE)
    assert judge_refresh(edge, NOW) is RefreshVerdict.VALID


def test_a_token_idle_beyond_thirty_minutes_is_refused_and_ends_the_session():
    verdict = judge_refresh(_state(last_activity=NOW - timedelta(minutes=31)), NOW)
    assert verdict is RefreshVerdict.IDLE
    assert ends_session(verdict)


def test_a_token_past_its_absolute_expiry_is_refused():
    verdict = judge_refresh(_state(expires_at=NOW), NOW)
    assert verdict is RefreshVerdict.EXPIRED
    assert ends_session(verdict)


def test_a_rotated_token_presented_again_is_reuse_and_ends_the_family():
    verdict = judge_refresh(_state(rotated_at=NOW - timedelta(minutes=1)), NOW)
    assert verdict is RefreshVerdict.REUSED
    assert ends_session(verdict)


def test_a_revoked_token_is_refused_whatever_else_holds():
    state = _state(revoked_at=NOW - timedelta(minutes=1), rotated_at=NOW - timedelta(minutes=2))
    verdict = judge_refresh(state, NOW)
    assert verdict is RefreshVerdict.REVOKED
    assert not ends_session(verdict)  # already ended
    assert not ends_session(RefreshVerdict.VALID)


def test_opaque_tokens_are_random_and_stored_as_sha256():
    first, second = new_opaque_token(), new_opaque_token()
    assert first != second and len(first) >= 43
    digest = token_digest(first)
    assert len(digest) == 64 and first not in digest
    assert token_digest(first) == digest
    assert digests_match(digest, token_digest(first))
    assert not digests_match(digest, token_digest(second))


def test_a_totp_step_is_accepted_once():
    assert totp_step_acceptable(100, None)
    assert totp_step_acceptable(101, 100)
    assert not totp_step_acceptable(100, 100)  # the same code again: a replay
    assert not totp_step_acceptable(99, 100)  # an older code after a newer one
