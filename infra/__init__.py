"""Deployment artefacts: the Teams app manifest and the package builder."""
