"""Conventions with partners: terms and avenants, renewal, money, obligations and their calendar."""
