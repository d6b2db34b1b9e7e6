"""The PostgreSQL session the app reads through: no JIT compilation. The planner's cost of the visibility rules'
OR-ed EXISTS at a million people crosses the JIT threshold, and compiling the plan took 7.8 s of a query that runs
in 0.47 s without it (docs/benchmarks.md, "After a write"); every page's first view after a write paid it."""

import pytest
from django.db import connection

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def test_the_app_s_postgresql_session_compiles_no_plan_with_jit():
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
        cursor.execute("SHOW pg_trgm.word_similarity_threshold")
        assert cursor.fetchone()[0] == "0.5"  # the search's own options are kept beside it
