"""Employee advocacy service: approved content, scheduled reshares, measured results."""
