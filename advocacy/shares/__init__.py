"""Shares: an ambassador's reshare of a post, from pick to publication."""
