"""Marchés, lots and the hour obligation of their clause."""
