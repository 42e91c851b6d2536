"""Exact national methods: versioned tables plus small pure functions, one package per domain."""
