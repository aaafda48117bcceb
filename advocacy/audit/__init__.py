"""The audit log: an append-only record of who did what to what, and when.

Other services call `record(...)`; nothing updates or deletes an entry.
"""

from advocacy.audit.service import record

__all__ = ["record"]
