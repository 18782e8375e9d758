"""The cases app's door to the outbox (kept separate so services read plainly)."""

from onething.webhooks.outbox import emit

__all__ = ["emit"]
