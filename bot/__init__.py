"""Tandem: a Microsoft Teams bot that keeps mentoring pairs meeting and keeping their contracts."""
