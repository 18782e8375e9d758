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
to the provider's record (数据回流), so the next prefill returns the corrected value.
"""

from .access import AccessRefused, DataRead, data_read
from .objections import objection_raise, objection_resolve
from .prefill import Prefilled, prefill, prefill_link

__all__ = [
    "AccessRefused",
    "DataRead",
    "Prefilled",
    "data_read",
    "objection_raise",
    "objection_resolve",
    "prefill",
    "prefill_link",
]
