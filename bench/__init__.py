"""Data at national scale for measuring the service (issue 11): the generator (``bench.generate``)
fills a database with ten national years; the benchmark reads it. Not part of the service: nothing
in ``saas``, ``tenants``, ``blueprints`` or ``workers`` imports it."""
