"""The WSGI application gunicorn serves (docker-compose.yml, bench/reads_benchmark.py).

After the application is built, every URL's view module is imported and the objects alive at that point
(modules, classes, settings, URL patterns: the bulk of the heap) are moved out of the garbage collector's
sight with `gc.freeze()`, so a full collection walks only what requests allocate. Without it a release-day
surge pays a pause of several milliseconds every few hundred requests, which is what its slowest
responses are made of (docs/benchmarks.md, "Release day: fewer pauses").
"""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")

application = get_wsgi_application()


def _settle_heap():
    from django.urls import get_resolver

    len(get_resolver().url_patterns)  # imports every URL module and view now rather than on the first request
    gc.collect()
    gc.freeze()


if os.environ.get("WSGI_GC_FREEZE", "1") != "0":
    _settle_heap()
