"""atheris: the upload check on any bytes and any name.

.venv/bin/python fuzz/fuzz_uploads.py -atheris_runs=50000
"""

from __future__ import annotations

import sys

import _django
import atheris

_django.setup()

with atheris.instrument_imports(include=["onething"]):
    from onething.cases.uploads import SIGNATURES, check_upload
    from onething.core.errors import ValidationFailed


def test_one_input(data: bytes) -> None:
    provider = atheris.FuzzedDataProvider(data)
    name = provider.ConsumeUnicodeNoSurrogates(40)
    content = provider.ConsumeBytes(provider.remaining_bytes())
    try:
        checked = check_upload(name, content, material="出生医学证明")
    except ValidationFailed as exc:
        assert exc.message and exc.message_en
        return
    assert any(content.startswith(magic) for magic, _, _ in SIGNATURES)
    assert "/" not in checked.content.name


if __name__ == "__main__":
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()
