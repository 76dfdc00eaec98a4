"""Demo data, part of the composition: it may use every domain (and ``tenants``), nothing imports it
but the CLI (``flask demo``) and the tests.

- ``territories``: the four demo territories, their people and logins (the entry point);
- ``year``: a year of clause execution in one territory;
- ``conventions``: the seed convention of each territory, with its meetings through the comités.
"""
