"""Notifications: an in-app inbox and a durable outbox delivered by email, Slack and Teams webhooks.

Other services call `notify(...)` (see `service.py`); delivery happens later from the outbox.
"""
