"""Shared data: every write and every read of another department's data goes through here.

The flow of one prefill (``prefill``), for the applicant's one form:

1. each form field whose data element names a ``source`` (``population.name``) is matched to a
   provider and to the subject it is about — the applicant, the enterprise, or a person found
   through a link (the parents on the birth record, the spouse on the marriage record);
2. the fields are read in one call per (provider, subject) through ``data_read``, which refuses
   a read no sharing agreement of the requesting department covers, and writes one
   ``DataAccess`` row — ok, refused or failed — for every call, with its purpose;
3. every field comes back as a ``Prefilled``: the value and where it came from (which registry,
   when), locked or editable by the provider's policy; a field no provider could fill (refused,
   timed out, garbled, not known) is left to the applicant, and a value the applicant typed is
   marked as theirs.

An applicant who finds a prefilled value wrong raises a ``DataObjection`` (``objection_raise``);
the providing department answers it (``objection_resolve``), and a correction is written back
to the provider's record (数据回流), so the next prefill returns the corrected value — and,
when the objection was raised on an application still being handled, into that application's
form, so it continues with the corrected value.

Submitting a prefilled form (``prefill_seal`` / ``prefill_settle`` / ``provenance_record``): a
locked shared value cannot be changed by what the browser sends, and every value of the
submitted form keeps where it came from.
"""

from .access import AccessRefused, DataRead, data_read
from .objections import objection_raise, objection_resolve
from .prefill import Prefilled, prefill, prefill_link
from .provenance import (
    Settled,
    api_form_key,
    prefill_for_submission,
    prefill_form,
    prefill_open,
    prefill_seal,
    prefill_settle,
    provenance_record,
    source_as_prefilled,
    sources_with_account,
)

__all__ = [
    "AccessRefused",
    "DataRead",
    "Prefilled",
    "Settled",
    "api_form_key",
    "data_read",
    "objection_raise",
    "objection_resolve",
    "prefill",
    "prefill_for_submission",
    "prefill_form",
    "prefill_link",
    "prefill_open",
    "prefill_seal",
    "prefill_settle",
    "provenance_record",
    "source_as_prefilled",
    "sources_with_account",
]
