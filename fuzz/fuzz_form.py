"""atheris: the one form's checks (智能预审) on any values, for fields of every type.

.venv/bin/python fuzz/fuzz_form.py -atheris_runs=50000
"""

from __future__ import annotations

import datetime as dt
import sys

import _django
import atheris

_django.setup()

with atheris.instrument_imports(include=["onething"]):
    from onething.cases.checks import check_form
    from onething.catalog.guide import FieldInGuide
    from onething.catalog.models import DataElement

ELEMENTS = ["applicant_id_number", "applicant_birth_date", "applicant_sex", "phone", "amount"]
TYPES = list(DataElement.Type.values)


def test_one_input(data: bytes) -> None:
    provider = atheris.FuzzedDataProvider(data)
    specs = [
        FieldInGuide(
            element=element,
            label=element,
            type=TYPES[provider.ConsumeIntInRange(0, len(TYPES) - 1)],
            required=provider.ConsumeBool(),
            pii="none",
            items=["X1"],
            prefill_source="",
            choices=[provider.ConsumeUnicodeNoSurrogates(4)],
        )
        for element in ELEMENTS
    ]
    values = {element: provider.ConsumeUnicodeNoSurrogates(24) for element in ELEMENTS}
    clean, problems = check_form(specs, values, today=dt.date(2026, 3, 2))
    assert set(clean) <= set(ELEMENTS)
    assert all(p.message and p.message_en for p in problems)


if __name__ == "__main__":
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()
