"""Thin dialogs: prompt, validate, call a service, move on."""
