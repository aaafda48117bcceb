"""The audit log: an append-only record of who did what to what, and when.

Other services call `record(...)`; nothing updates or deletes an entry, except `forget_person`, which
replaces a de-identified person's email and name by their placeholder.
"""

from advocacy.audit.service import forget_person, record

__all__ = ["forget_person", "record"]
