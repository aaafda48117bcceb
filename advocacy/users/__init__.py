"""People: accounts, roles, passwords, API tokens and ambassador programme membership."""
