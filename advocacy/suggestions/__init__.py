"""Ambassador suggestions: an ambassador proposes a link for their colleagues to share, editors turn it
into a post of a content pack (reviewed as usual) or decline it, and the ambassador hears either way."""
