"""Missions (mises à l'emploi), their follow-up plan and the exit of the parcours."""
