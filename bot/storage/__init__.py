"""Persistence: one document-store contract, its engines, and repositories named for what they keep."""
