"""Signing in through the real HTTP layer, second factor included, as a person with an app would."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import struct
import time

CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')
MANUAL_KEY = re.compile(r'<code id="two-factor-manual-key">([A-Z2-7 ]+)</code>')
SET_UP_TWO_FACTOR = "/sign-in/set-up-two-factor"


def csrf_token(html: str) -> str:
    found = CSRF_META.search(html)
    if found is None:
        raise RuntimeError("no csrf-token meta tag on the page")
    return found.group(1)


def totp(key: str, at: float | None = None) -> str:
    """The 6-digit RFC 6238 code an authenticator app shows for a base32 key (30-second steps)."""
    secret = key.replace(" ", "").upper()
    secret = base64.b32decode(secret + "=" * (-len(secret) % 8))
    step = int((time.time() if at is None else at) // 30)
    digest = hmac.new(secret, struct.pack(">Q", step), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{number % 1_000_000:06d}"


def sign_in(client, email: str, password: str) -> None:
    """Password, then (if the portal asks) setting up two-factor sign-in with the key it shows.

    The bench accounts are new, so the first sign-in is also the set-up.
    """
    token = csrf_token(client.get("/accessibility").text)
    response = client.post("/sign-in", data={"email": email, "password": password, "csrf_token": token})
    if response.status_code != 302:
        raise RuntimeError(f"sign-in refused the password for {email}: {response.status_code}")
    if response.headers["Location"].startswith(SET_UP_TWO_FACTOR):
        page = client.get(SET_UP_TWO_FACTOR).text
        key = MANUAL_KEY.search(page)
        if key is None:
            raise RuntimeError("the two-factor set-up page shows no key")
        # Success shows the recovery codes (200); a refused code shows the form again (also 200),
        # so the check is whether a signed-in page opens below.
        client.post(SET_UP_TWO_FACTOR, data={"code": totp(key.group(1)), "csrf_token": csrf_token(page)})
    elif response.headers["Location"].startswith("/sign-in"):
        raise RuntimeError(f"sign-in for {email} stopped at {response.headers['Location']}")
    if client.get("/").status_code != 200:  # the home page is for signed-in people only
        raise RuntimeError(f"{email} is not signed in")
