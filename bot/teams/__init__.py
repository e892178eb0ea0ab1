"""The Teams edge: activities in, cards and messages out; the only place that knows about Teams."""
