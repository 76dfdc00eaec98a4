"""Committees and meetings required by conventions: attendance, minutes and the decisions registry."""
