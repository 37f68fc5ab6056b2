"""Tables, engine, repositories and the embedded PostgreSQL: everything that speaks SQL."""
