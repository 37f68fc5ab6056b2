"""Who may see and do what. Never imports db/ or graph/."""
