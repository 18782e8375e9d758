"""Building real submissions for tests (the same generator the demo cases use)."""

from onething.cases.demo import PDF, PNG, demo_id_number, submission, uploads, valid_form, value_for

id_number = demo_id_number

__all__ = ["PDF", "PNG", "id_number", "submission", "uploads", "valid_form", "value_for"]
