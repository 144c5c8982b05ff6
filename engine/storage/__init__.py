"""Tables (records) and data access (stores) of the engine."""
