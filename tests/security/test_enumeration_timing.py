"""Test 12: sign-in answers say nothing about whether an account exists (ASVS 6.3.8).

200 attempts each, interleaved, at an existing account (wrong password), an unknown
address and a deactivated account: the same status and the same page (but for the
address typed, which is echoed back), and median times within 10 ms.

The attempts use argon2 with small parameters so 600 of them take seconds, not
minutes; what is measured is that every path does the same work, and
test_the_dummy_hash_costs_what_a_real_one_does checks that in production the hash
checked for an unknown account has exactly the parameters of a real one.
"""

from __future__ import annotations

import random
import statistics
import time

import pytest
from argon2 import PasswordHasher

from portal.accounts import passwords
from portal.accounts.models import User
from tests.factories import make_user
from tests.helpers import csrf_token
from tests.security.conftest import normalised_body

ATTEMPTS = 200
TOLERANCE_SECONDS = 0.010


@pytest.fixture
def cheap_argon2(monkeypatch):
    hasher = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1)
    monkeypatch.setattr(passwords, "_hasher", hasher)
    monkeypatch.setattr(passwords, "_DUMMY_HASH", hasher.hash("not a real password"))
    return hasher


def test_the_dummy_hash_costs_what_a_real_one_does():
    hasher = PasswordHasher()
    assert not hasher.check_needs_rehash(passwords._DUMMY_HASH)
    assert passwords._hasher.hash("x").split("$")[3] == passwords._DUMMY_HASH.split("$")[3]


def account(email: str, password_hash: str, **values) -> str:
    user = make_user(email=email, password=None, **values)
    User.update(password_hash=password_hash).where(User.id == user.id).execute()
    return email


def _attempt(client, token, email):
    started = time.perf_counter()
    response = client.post("/sign-in", data={"email": email, "password": "wrong guess", "csrf_token": token})
    elapsed = time.perf_counter() - started
    return response.status_code, normalised_body(response).replace(email, "EMAIL"), elapsed


# On PostgreSQL, the production engine, where a commit costs what it costs in production.
@pytest.mark.parametrize("engine", ["postgresql"])
def test_existing_unknown_and_deactivated_accounts_look_the_same(app, cheap_argon2):
    # The lock-out and throttle would turn most attempts into the (identical) refusal
    # path; lift them here so every attempt goes down the account's own path.
    app.config.update(LOCKOUT_ATTEMPTS=10_000, THROTTLE_ATTEMPTS=10_000)
    password_hash = cheap_argon2.hash("the real password")
    accounts = {
        "existing": account("existing@portal.example", password_hash),
        "unknown": "unknown@portal.example",
        "deactivated": account("deactivated@portal.example", password_hash, active=False),
    }
    client = app.test_client()
    token = csrf_token(client)
    for email in accounts.values():  # warm up (first queries, template compilation)
        _attempt(client, token, email)
    answers = {kind: set() for kind in accounts}
    times = {kind: [] for kind in accounts}
    order = [kind for _ in range(ATTEMPTS) for kind in accounts]
    random.Random(12).shuffle(order)  # noqa: S311 - a fixed, interleaved order, not a secret
    for kind in order:
        status, body, elapsed = _attempt(client, token, accounts[kind])
        answers[kind].add((status, body))
        times[kind].append(elapsed)
    assert all(len(found) == 1 for found in answers.values()), "an account's answers varied"
    assert len({next(iter(found)) for found in answers.values()}) == 1, "the answers differ between accounts"
    assert next(iter(answers["unknown"]))[0] == 200
    medians = {kind: statistics.median(values) for kind, values in times.items()}
    spread = max(medians.values()) - min(medians.values())
    print(
        {kind: f"{median * 1000:.1f} ms" for kind, median in medians.items()},
        f"spread {spread * 1000:.1f} ms",
    )
    assert spread < TOLERANCE_SECONDS, medians


def test_throttled_and_locked_answers_are_the_same_words(app, cheap_argon2):
    password_hash = cheap_argon2.hash("the real password")
    existing = account("existing@portal.example", password_hash)
    client = app.test_client()
    token = csrf_token(client)
    bodies = {
        (status, body)
        for email in (existing, "unknown@portal.example")
        for status, body, _ in (_attempt(client, token, email) for _ in range(12))
    }
    assert len(bodies) == 1  # wrong, locked (after 5) and throttled (after 10): one answer
