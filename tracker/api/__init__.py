"""Plumbing every API resource shares: pagination, CSV export, write error handling, schema helpers."""
