import pytest
from django.core.exceptions import ImproperlyConfigured

from onething.core.crypto import (
    DecryptionError,
    hmac_sm3_hex,
    sm3_hex,
    sm4_decrypt,
    sm4_encrypt,
)


def test_sm3_matches_the_standard_test_vector():
    # GB/T 32905-2016, example 1: SM3("abc").
    assert sm3_hex(b"abc") == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"


def test_sm4_gcm_round_trip_and_fresh_nonce_each_time():
    first, second = sm4_encrypt("11010519491231002X"), sm4_encrypt("11010519491231002X")
    assert first != second
    assert first.startswith("sm4gcm:1:")
    assert "11010519491231002X" not in first
    assert sm4_decrypt(first) == sm4_decrypt(second) == "11010519491231002X"


def test_an_altered_ciphertext_is_detected():
    token = sm4_encrypt("13812345678")
    flipped = token[:-6] + ("A" if token[-6] != "A" else "B") + token[-5:]
    with pytest.raises(DecryptionError):
        sm4_decrypt(flipped)


def test_a_different_key_cannot_read_the_value(settings):
    token = sm4_encrypt("13812345678")
    settings.ONETHING_PII_KEY = "ffeeddccbbaa99887766554433221100"
    with pytest.raises(DecryptionError):
        sm4_decrypt(token)


def test_keyed_hash_is_stable_and_key_dependent(settings):
    first = hmac_sm3_hex("13812345678")
    assert first == hmac_sm3_hex("13812345678")
    settings.ONETHING_PII_HMAC_KEY = "abcdef"
    assert hmac_sm3_hex("13812345678") != first


def test_a_missing_or_short_key_is_a_configuration_error(settings):
    settings.ONETHING_PII_KEY = "0011"
    with pytest.raises(ImproperlyConfigured):
        sm4_encrypt("x")
