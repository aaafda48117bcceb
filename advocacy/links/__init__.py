"""Short tracking links: one per share, a first-party click count, and the redirect."""
