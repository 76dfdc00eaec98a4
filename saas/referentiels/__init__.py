"""Tenant-less reference data: eligibility criteria, contract types, exit motifs, communes, QPV, ROME."""
