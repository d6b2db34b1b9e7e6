"""ImportJob and ImportProfile (owned by the bulk import work, issue 5)."""
