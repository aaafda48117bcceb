"""The admins' people page: find people, create them, change their role, deactivate and reactivate
them, send them a password-reset link, and see their connected accounts and programme state."""
