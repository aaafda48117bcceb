"""The newsroom import: the organisation's RSS and Atom feeds, read by the worker, become draft posts."""
