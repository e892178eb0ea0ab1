"""Adaptive Cards (schema 1.5): one typed builder per card, and the verbs their buttons carry."""
