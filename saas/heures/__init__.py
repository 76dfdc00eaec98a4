"""The hours ledger: monthly statements, counting rules, countings, allocations, mutualisation."""
