"""One writer at a time per source link.

Links are not unique in the database (`prisoners.visibility.source_link_taken`: a link hidden from a writer may
be stored again beside it), so two writers storing the same new link at the same moment would each store it.
Every writer that stores a source (the services, each import batch) first takes the link's lock, held until its
transaction ends, then looks the link up again.
"""

from django.db import connection

LINK_LOCK_SPACE = 1414  # the first key of PostgreSQL's two-key advisory locks, kept for source links


def lock_links(links):
    """Hold the lock of each of `links` until the current transaction ends (call inside one).

    PostgreSQL: transaction-level advisory locks, taken in one order so two writers never wait for each other
    in a circle. SQLite writes one transaction at a time: nothing to take."""
    if not links or connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(%s, k) FROM"
            " (SELECT DISTINCT hashtext(l) AS k FROM unnest(%s::text[]) AS l ORDER BY 1) AS keys",
            [LINK_LOCK_SPACE, sorted(set(links))],
        )
