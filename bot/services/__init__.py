"""Use cases: what people do with Tandem, each checking the actor may do it, over the repositories."""
