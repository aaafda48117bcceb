"""Social accounts: the ambassadors' connected profiles and the brand's own channels."""
