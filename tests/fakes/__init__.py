"""Local servers that speak the real platforms' wire formats, for connector and dispatch tests."""
