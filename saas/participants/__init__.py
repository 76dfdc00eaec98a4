"""Participants: minimal identity, prescriptions, eligibility, CV library, freins and bilan."""
