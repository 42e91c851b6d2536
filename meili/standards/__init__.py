"""Exact national methods: versioned tables plus small pure functions, one package per domain.

Every method cites the clauses it follows as ``[@ID]`` entries of ``citations.yaml``
(:mod:`meili.standards.citations`), which records how each was checked, e.g.
[@hj633-2026:5.3.1].
"""
