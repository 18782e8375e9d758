"""National cryptography (国密) used across the platform, through ``cryptography`` (OpenSSL).

- SM3 (GB/T 32905) digests, and HMAC-SM3 keyed hashes for looking up encrypted values;
- SM4 (GB/T 32907) in GCM mode for personal data at rest: ``sm4gcm:1:<base64 nonce|ct|tag>``.

Keys come from settings (``ONETHING_PII_KEY``, ``ONETHING_PII_HMAC_KEY``), which read the
environment; the development settings carry fixed keys and production refuses to start without
real ones.
"""

from __future__ import annotations

import base64
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

PREFIX = "sm4gcm:1:"
NONCE_BYTES = 12
TAG_BYTES = 16


class DecryptionError(Exception):
    """The stored value was altered or was encrypted with another key."""


def sm3_hex(data: bytes) -> str:
    digest = hashes.Hash(hashes.SM3())
    digest.update(data)
    return digest.finalize().hex()


def _key(setting: str, *, length: int | None) -> bytes:
    raw = getattr(settings, setting, "")
    try:
        key = bytes.fromhex(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{setting} must be hexadecimal.") from exc
    if not key or (length is not None and len(key) != length):
        expected = f"{length * 2} hex characters" if length else "a hex key"
        raise ImproperlyConfigured(f"{setting} must be {expected}.")
    return key


def hmac_sm3_hex(value: str) -> str:
    """Keyed hash of a normalised value: equal inputs give equal hashes, for look-ups."""
    mac = hmac.HMAC(_key("ONETHING_PII_HMAC_KEY", length=None), hashes.SM3())
    mac.update(value.encode())
    return mac.finalize().hex()


def sm4_encrypt(plaintext: str) -> str:
    nonce = os.urandom(NONCE_BYTES)
    encryptor = Cipher(
        algorithms.SM4(_key("ONETHING_PII_KEY", length=16)), modes.GCM(nonce)
    ).encryptor()
    body = encryptor.update(plaintext.encode()) + encryptor.finalize()
    return PREFIX + base64.b64encode(nonce + body + encryptor.tag).decode()


def sm4_decrypt(token: str) -> str:
    if not token.startswith(PREFIX):
        raise DecryptionError("not an SM4-GCM value")
    raw = base64.b64decode(token[len(PREFIX) :])
    nonce, body, tag = raw[:NONCE_BYTES], raw[NONCE_BYTES:-TAG_BYTES], raw[-TAG_BYTES:]
    decryptor = Cipher(
        algorithms.SM4(_key("ONETHING_PII_KEY", length=16)), modes.GCM(nonce, tag)
    ).decryptor()
    try:
        return (decryptor.update(body) + decryptor.finalize()).decode()
    except InvalidTag as exc:
        raise DecryptionError("the value was altered or the key is wrong") from exc
