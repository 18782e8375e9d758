"""SM2 key pairs and signatures through gmssl, and their standard encodings."""

import pytest
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

from onething.certificates import signing


def test_a_signature_verifies_and_nothing_else_does():
    pair = signing.generate_key_pair()
    assert len(pair.private_key) == 64 and len(pair.public_key) == 128
    assert signing._on_curve(pair.public_key)
    message = "出生医学证明".encode()
    signature = signing.sign(message, private_key=pair.private_key, public_key=pair.public_key)
    assert len(signature) == 128
    assert signing.verify(message, signature, public_key=pair.public_key)
    assert not signing.verify(message + b"!", signature, public_key=pair.public_key)
    other = signing.generate_key_pair()
    assert not signing.verify(message, signature, public_key=other.public_key)


def test_two_signatures_of_one_message_use_fresh_nonces():
    pair = signing.generate_key_pair()
    first = signing.sign(b"m", private_key=pair.private_key, public_key=pair.public_key)
    second = signing.sign(b"m", private_key=pair.private_key, public_key=pair.public_key)
    assert first != second


@pytest.mark.parametrize(
    "signature",
    [
        "",
        "zz" * 64,
        "0" * 128,  # r = s = 0
        signing.CURVE["n"].lower() + "1".zfill(64),  # r = n
        "ab" * 63,  # too short
    ],
)
def test_malformed_signatures_do_not_verify(signature):
    pair = signing.generate_key_pair()
    assert not signing.verify(b"m", signature, public_key=pair.public_key)


def test_a_point_off_the_curve_is_no_public_key():
    pair = signing.generate_key_pair()
    signature = signing.sign(b"m", private_key=pair.private_key, public_key=pair.public_key)
    broken = pair.public_key[:-1] + ("0" if pair.public_key[-1] != "0" else "1")
    assert not signing.verify(b"m", signature, public_key=broken)


def test_public_keys_starting_with_0_or_4_survive_gmssl():
    """gmssl strips a leading "04" with lstrip, which would eat the key's own 0s and 4s."""
    for d in range(1, 400):
        private_key = f"{d:064x}"
        public_key = signing.public_key_of(private_key)
        if public_key[0] in "04":
            break
    else:  # pragma: no cover
        pytest.fail("no small key with a public key starting 0 or 4")
    signature = signing.sign(b"m", private_key=private_key, public_key=public_key)
    assert signing.verify(b"m", signature, public_key=public_key)


def test_standard_encodings():
    pair = signing.generate_key_pair()
    der = signing.public_key_der(pair.public_key)
    assert len(der) == 91 and der.endswith(bytes.fromhex(pair.public_key))
    pem = signing.public_key_pem(pair.public_key)
    assert pem.startswith("-----BEGIN PUBLIC KEY-----\n") and pem.endswith(
        "-----END PUBLIC KEY-----\n"
    )
    signature = signing.sign(b"m", private_key=pair.private_key, public_key=pair.public_key)
    r, s = decode_dss_signature(signing.signature_der(signature))
    assert f"{r:064x}{s:064x}" == signature
