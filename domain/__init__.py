"""Business rules in plain Python: no framework, no database, nothing of ours."""
