"""OpenSSL's command line — an implementation independent of gmssl — verifies a certificate's
signature from the department's public key (PEM SubjectPublicKeyInfo on the SM2 curve), the
canonical encoding and the DER signature, and rejects an altered encoding."""

import re
import shutil
import subprocess

import pytest

from onething.certificates import signing
from onething.certificates.canonical import canonical_bytes, canonical_fields
from onething.certificates.services import seal_for

OPENSSL = shutil.which("openssl")


def _openssl(*args: str) -> subprocess.CompletedProcess:
    assert OPENSSL is not None
    return subprocess.run([OPENSSL, *args], capture_output=True, text=True, timeout=60, check=False)


@pytest.fixture
def openssl():
    if OPENSSL is None:
        print("openssl not found on PATH: the independent SM2 check is skipped")
        pytest.skip("openssl command not found")
    version = _openssl("version").stdout
    major = re.match(r"OpenSSL (\d+)\.", version)
    assert major and int(major.group(1)) >= 3, (
        f"{version.strip()}: pkeyutl -rawin -digest sm3 needs OpenSSL 3"
    )
    return version


def _verify(tmp_path, public_key: str, data: bytes, signature: str) -> subprocess.CompletedProcess:
    (tmp_path / "pub.pem").write_text(signing.public_key_pem(public_key))
    (tmp_path / "data.bin").write_bytes(data)
    (tmp_path / "sig.der").write_bytes(signing.signature_der(signature))
    return _openssl(
        "pkeyutl",
        "-verify",
        "-pubin",
        "-inkey",
        str(tmp_path / "pub.pem"),
        "-rawin",
        "-in",
        str(tmp_path / "data.bin"),
        "-sigfile",
        str(tmp_path / "sig.der"),
        "-digest",
        "sm3",
        "-pkeyopt",
        f"distid:{signing.DEFAULT_ID}",
    )


def test_openssl_reads_the_public_key_as_sm2(openssl, tmp_path, issue):
    certificate = issue()
    (tmp_path / "pub.pem").write_text(
        signing.public_key_pem(seal_for(certificate.department).public_key)
    )
    result = _openssl("pkey", "-pubin", "-in", str(tmp_path / "pub.pem"), "-text", "-noout")
    assert result.returncode == 0, result.stderr
    assert "ASN1 OID: SM2" in result.stdout


def test_openssl_verifies_the_certificate_signature(openssl, tmp_path, issue):
    certificate = issue()
    public_key = seal_for(certificate.department).public_key
    data = canonical_bytes(canonical_fields(certificate))

    result = _verify(tmp_path, public_key, data, certificate.signature)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Signature Verified Successfully" in result.stdout

    altered = data.replace("张小宝".encode(), "李小宝".encode())
    assert altered != data
    result = _verify(tmp_path, public_key, altered, certificate.signature)
    assert result.returncode != 0 and "Signature Verified Successfully" not in result.stdout
