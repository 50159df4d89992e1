"""Account changes around their races, staged on a fake database: a change made by another
request while this one's password was being checked wins, and a lock that stays taken is a 429.
(tests/integration/test_account_sessions.py runs the real races over the real servers.)"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta

import pytest

from gateway.auth import account_changes, accounts, sessions
from gateway.auth.tokens import TokenService
from gateway.problems import AccountChanging, Unauthorized, WrongPassword
from gateway.settings import GatewaySettings
from jaryo_shared import account_deletions
from jaryo_shared.clock import FixedClock
from tests.unit.fakes import FakeDatabase

NOW = datetime(2026, 12, 2, 4, 0, tzinfo=UTC)
PASSWORD = "the old password"
SETTINGS = GatewaySettings(jwt_secret=secrets.token_urlsafe(48))  # type: ignore[arg-type]
TOKENS = TokenService(SETTINGS.jwt_secret.get_secret_value(), "iss", "aud")


def _account(db: FakeDatabase) -> account_changes.Caller:
    user = accounts.register(db, SETTINGS, accounts.Attempt("someone", PASSWORD, "10.0.0.1", NOW))
    pair = sessions.issue_pair(db, TOKENS, SETTINGS, user["_id"], NOW)
    token = TOKENS.verify(pair.access_token, "access", NOW)
    return account_changes.Caller(token, "10.0.0.1", NOW)


def _changed_meanwhile(db: FakeDatabase, monkeypatch) -> None:
    """Another request's password change lands while this one's password is being checked."""
    confirm = accounts.confirm_password

    def confirm_then_lose_the_race(db_, settings, user, attempt):
        confirm(db_, settings, user, attempt)
        db.users.update_one({"_id": user["_id"]}, {"$set": {"token_generation": 1}})

    monkeypatch.setattr(accounts, "confirm_password", confirm_then_lose_the_race)


def test_a_password_change_that_lost_the_race_changes_nothing(monkeypatch):
    db = FakeDatabase()
    caller = _account(db)
    before = db.users.find_one({"_id": caller.token.user_id})
    _changed_meanwhile(db, monkeypatch)
    with pytest.raises(Unauthorized, match="every device"):
        account_changes.change_password(
            db, TOKENS, SETTINGS, FixedClock(NOW), caller, PASSWORD, "the new password"
        )
    after = db.users.find_one({"_id": caller.token.user_id})
    assert after["password_hash"] == before["password_hash"]
    assert after["token_generation"] == 1  # the winner's, not moved on again


def test_a_deletion_that_lost_the_race_deletes_nothing(monkeypatch):
    db = FakeDatabase()
    caller = _account(db)
    _changed_meanwhile(db, monkeypatch)
    with pytest.raises(Unauthorized):
        account_changes.delete_account(db, SETTINGS, FixedClock(NOW), caller, PASSWORD)
    assert db.users.find_one({"_id": caller.token.user_id}) is not None
    assert not account_deletions.recorded(db, caller.token.user_id)


def test_a_change_while_another_holds_the_account_is_refused_with_429(monkeypatch):
    db = FakeDatabase()
    caller = _account(db)
    user_id = caller.token.user_id
    db.user_locks.insert_one(
        {"_id": f"account:{user_id}", "holder": "another", "expires_at": NOW + timedelta(30)}
    )
    monkeypatch.setattr(account_changes, "WAIT_SECONDS", 0.0)
    with pytest.raises(AccountChanging) as refused:
        account_changes.sign_out_everywhere(db, FixedClock(NOW), caller.token)
    assert refused.value.status == 429
    assert refused.value.headers["Retry-After"] == "1"
    assert "token_generation" not in db.users.find_one({"_id": user_id})
    assert db.user_locks.find_one({"_id": f"account:{user_id}"})["holder"] == "another"


def test_a_deletion_is_recorded_before_the_account_goes(monkeypatch):
    db = FakeDatabase()
    caller = _account(db)
    user_id = caller.token.user_id
    seen: list[bool] = []
    record = account_deletions.record

    def record_and_look(db_, *args):
        found = record(db_, *args)
        seen.append(db.users.find_one({"_id": user_id}) is not None)
        return found

    monkeypatch.setattr(account_deletions, "record", record_and_look)
    with pytest.raises(WrongPassword):
        account_changes.delete_account(db, SETTINGS, FixedClock(NOW), caller, "not it")
    account_changes.delete_account(db, SETTINGS, FixedClock(NOW), caller, PASSWORD)
    assert seen == [True]
    assert db.users.find_one({"_id": user_id}) is None
    assert db.account_deletions.find_one({"_id": user_id})["requested_at"] == NOW
    assert not list(db.user_locks.find())  # the lock given back
