"""People with their releases: what needs both `prisoners` and `releases`.

A person's page and API (their timeline of detentions and releases), the filter of people by release
event, deal and destination, the person's admin page (with its releases inline) and the merge of two
duplicates (which moves releases). It has no models of its own; see docs/architecture.md.
"""
