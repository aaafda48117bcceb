"""Fault runs on loopback, each bounded in time: a PostgreSQL restart mid-dispatch, a long steady load."""
