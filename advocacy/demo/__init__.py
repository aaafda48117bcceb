"""The demo: a seeded organisation and a simulated two-week campaign on the sandbox network."""
