"""SM2 e-seal signatures (GB/T 32918) over SM3, through ``gmssl``.

Each department's seal is an SM2 key pair: a private key ``d`` (32 random bytes, 1 ≤ d ≤ n−2)
and the public point ``d·G``, both as hex. ``sign`` is SM2-with-SM3 over a message with the
default distinguishing ID ``1234567812345678`` (what ``gmssl``'s ``sign_with_sm3`` uses, and
what OpenSSL needs as ``-pkeyopt distid:1234567812345678``); the signature is ``r‖s`` as 128 hex
characters. ``public_key_pem`` and ``signature_der`` give the standard encodings, so that any
other implementation can check a signature.

Random numbers come from ``secrets``: ``gmssl.func.random_hex`` draws from ``random``, which is
not fit for keys or signature nonces.
"""

from __future__ import annotations

import base64
import secrets
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from gmssl import sm2

CURVE = sm2.default_ecc_table
N = int(CURVE["n"], 16)
P = int(CURVE["p"], 16)
KEY_HEX = 64  # one coordinate, or the private key, in hex
DEFAULT_ID = "1234567812345678"  # GM/T 0009 default user ID, what gmssl hashes into Z
# SubjectPublicKeyInfo up to the point: id-ecPublicKey (1.2.840.10045.2.1), namedCurve SM2
# (1.2.156.10197.1.301), BIT STRING with no unused bits, uncompressed point (04).
SPKI_PREFIX = bytes.fromhex("3059301306072a8648ce3d020106082a811ccf5501822d03420004")


@dataclass(frozen=True)
class KeyPair:
    private_key: str  # 64 hex
    public_key: str  # 128 hex: x ‖ y, without the 04 prefix


def _crypt(private_key: str, public_key: str) -> sm2.CryptSM2:
    crypt = sm2.CryptSM2(private_key=private_key, public_key="")
    # CryptSM2 strips a leading "04" with str.lstrip, which eats any leading 0 or 4 of x too;
    # set the point directly instead.
    crypt.public_key = public_key
    return crypt


def _on_curve(public_key: str) -> bool:
    if len(public_key) != 2 * KEY_HEX:
        return False
    try:
        x, y = int(public_key[:KEY_HEX], 16), int(public_key[KEY_HEX:], 16)
    except ValueError:
        return False
    a, b = int(CURVE["a"], 16), int(CURVE["b"], 16)
    return x < P and y < P and (y * y - (x * x * x + a * x + b)) % P == 0


def public_key_of(private_key: str) -> str:
    """The public point d·G of a private key, as 128 hex characters."""
    point = _crypt(private_key, "")._kg(int(private_key, 16), CURVE["g"])
    if not point:
        raise ValueError("not a valid SM2 private key")
    return str(point)


def generate_key_pair() -> KeyPair:
    private_key = f"{secrets.randbelow(N - 2) + 1:064x}"
    return KeyPair(private_key=private_key, public_key=public_key_of(private_key))


def sign(message: bytes, *, private_key: str, public_key: str) -> str:
    """SM2 signature (SM3 with the default ID) of ``message``: ``r‖s`` in 128 hex characters."""
    crypt = _crypt(private_key, public_key)
    while True:
        nonce = f"{secrets.randbelow(N - 1) + 1:064x}"
        signature = crypt.sign_with_sm3(message, nonce)
        if signature:  # None only for the negligible r = 0 or r + k = n; draw again
            return str(signature)


def verify(message: bytes, signature: str, *, public_key: str) -> bool:
    """Whether ``signature`` (``r‖s`` hex) is the seal's signature of ``message``."""
    if len(signature) != 2 * KEY_HEX or not _on_curve(public_key):
        return False
    try:
        r, s = int(signature[:KEY_HEX], 16), int(signature[KEY_HEX:], 16)
    except ValueError:
        return False
    if not (0 < r < N and 0 < s < N):
        return False
    try:
        return bool(_crypt("", public_key).verify_with_sm3(signature, message))
    except (TypeError, ValueError):  # a point at infinity on the way: not a signature
        return False


def public_key_der(public_key: str) -> bytes:
    """The public key as a DER SubjectPublicKeyInfo (SM2 curve)."""
    return SPKI_PREFIX + bytes.fromhex(public_key)


def public_key_pem(public_key: str) -> str:
    body = base64.encodebytes(public_key_der(public_key)).decode()
    return f"-----BEGIN PUBLIC KEY-----\n{body}-----END PUBLIC KEY-----\n"


def signature_der(signature: str) -> bytes:
    """``r‖s`` hex as the DER ``SEQUENCE {r INTEGER, s INTEGER}`` other tools expect."""
    return encode_dss_signature(int(signature[:KEY_HEX], 16), int(signature[KEY_HEX:], 16))
