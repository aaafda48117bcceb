"""Campaigns, content packs, posts, suggested messages, review and launch."""
