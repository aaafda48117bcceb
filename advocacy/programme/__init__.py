"""The ambassador programme: who is in it, what they agreed to, and which campaigns reach them."""
