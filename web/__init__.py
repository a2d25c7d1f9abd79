"""Blueprints, one per area; thin: load, check, call the domain, render."""
