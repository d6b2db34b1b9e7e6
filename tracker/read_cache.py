"""Caching what readers read, invalidated by one version number that every write bumps.

- `records_version()`: a number in the cache; `bump_records_version()` raises it when a record changes (at once,
  and again when the transaction commits, so a reader who cached the old data between the two is invalidated
  too). Every save, delete and many-to-many change of a model in `READ_CACHE_APPS` bumps it (signals, whatever
  door wrote: the services, admin, the import's bulk writer calls it itself).
- `cached_summary`: a decorator for the derived numbers (`releases.stats`): the result is cached under the
  version, the language and the arguments, so the dashboard and `/api/v1/stats/` compute once per change; for
  numbers (`stale_while_computing`), one process computes after a write while the others serve the previous
  value for those seconds (and a page built from it is cached for two seconds only).
- `cached_menu(name, compute, seconds)`: the filter menus' choices (countries in use), cached under the
  version too, so a record written a moment ago is in the menus at once; on in tests as in production
  (the query budgets count a warm server).
- `AnonymousReadCacheMiddleware`: whole responses of anonymous GETs (pages and API), keyed by language,
  path, query and `Accept`, stored with the version they were made under and served only while it is the
  current one (the version and the page come in one MGET, sent in the page throttle's trip when it counts
  the request: a cached read is one trip to Redis); never a response to someone logged in, with a session, or sending a
  token, never one that sets a cookie, never admin or imports. After a write that changed nobody's view, a page is
  rebuilt by one reader in one language at a time (the lock comes in the same MGET); the page's other readers, in
  every language, get their page of a moment ago meanwhile. After any other write nobody gets an older page.

A process may remember the version for `READ_CACHE_VERSION_SECONDS`; the setting is 0 (one cache read per
request), so a write, in whichever process, invalidates every cached read at once: a person withheld a moment
ago is never shown by name from the cache.
"""

import functools
import hashlib
import logging
import threading
import time
from contextlib import contextmanager

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.http import HttpResponse
from django.utils import translation

logger = logging.getLogger(__name__)

VERSION_KEY = "reads:version"
VISIBILITY_KEY = "reads:visibility"
# The shape of a stored page, in its key: raised when the shape changes, so that a server of the new code never
# reads a page stored by the old one (both may share the cache during a deploy).
PAGE_FORMAT = 4  # (records' version, visibility's version, current until, made at, status, content, headers)
_local = threading.local()
_memo = {"version": None, "until": 0.0}


def _seconds(name, default):
    return getattr(settings, name, default)


def _current(key):
    version = cache.get(key)
    if version is None:
        version = int(time.time() * 1000)  # a fresh cache starts above any version cached before it was emptied
        cache.add(key, version, None)
        version = cache.get(key, version)
    return version


def records_version():
    """The current version of the records (a number that only grows)."""
    now = time.monotonic()
    if _memo["version"] is not None and now < _memo["until"]:  # only with READ_CACHE_VERSION_SECONDS > 0
        return _memo["version"]
    version = _current(VERSION_KEY)
    _memo.update(version=version, until=now + _seconds("READ_CACHE_VERSION_SECONDS", 0))
    return version


def visibility_version():
    """The version of who sees what: moved by every write except those that change nobody's view (see
    `watch_writes`). Never remembered by a process: read from the cache each time."""
    return _current(VISIBILITY_KEY)


def _bump(keys):
    # Who-sees-what first: a reader who reads the new records' version (one MGET) reads its new visibility too,
    # so a page of the old visibility is never taken for one of the current visibility.
    for key in keys:
        try:
            version = cache.incr(key)
        except ValueError:  # not there (emptied cache): start again above the time
            version = int(time.time() * 1000)
            cache.set(key, version, None)
    _memo.update(version=version, until=time.monotonic() + _seconds("READ_CACHE_VERSION_SECONDS", 0))


def bump_records_version(*, visibility=True):
    """Records changed: every cached read is stale, now and once the transaction commits. `visibility=False`
    only for a write that changed nobody's view (the judge given to `watch_writes` said so): a page of a moment
    ago may then be served while one process rebuilds it. A bulk write that cannot tell keeps the default."""
    keys = (VISIBILITY_KEY, VERSION_KEY) if visibility else (VERSION_KEY,)
    _bump(keys)

    def again_at_commit():
        _bump(keys)

    transaction.on_commit(again_at_commit)


_judge = {}


def _watched(model):
    return model._meta.app_label in _seconds("READ_CACHE_APPS", ())


def _record_saving(sender, instance, raw=False, **kwargs):
    if _watched(sender) and not raw:
        instance._visibility_before = _judge["before"](instance)


def _record_saved(sender, instance, created=False, raw=False, **kwargs):
    if _watched(sender):
        before = getattr(instance, "_visibility_before", None)
        changes = raw or _judge["saved"](instance, created=created, before=before)
        bump_records_version(visibility=changes)


def _record_deleted(sender, instance, **kwargs):
    if _watched(sender):
        bump_records_version(visibility=_judge["deleted"](instance))


def _m2m_changed(sender, instance, action, reverse=False, **kwargs):
    if action.startswith("post_") and _watched(type(instance)):
        bump_records_version(visibility=_judge["linked"](instance, reverse=reverse))


def watch_writes(*, before, saved, deleted, linked):
    """Connect the signals that bump the versions (called once, from an app's `ready`), with the judge of which
    writes change who sees what (from the module that decides it; this layer cannot import it):
    `before(instance)` reads what decides it before a save; `saved(instance, created=, before=)`,
    `deleted(instance)` and `linked(instance, reverse=)` say whether a save, a deletion or a change of links may
    change it."""
    _judge.update(before=before, saved=saved, deleted=deleted, linked=linked)
    pre_save.connect(_record_saving, dispatch_uid="read_cache_saving")
    post_save.connect(_record_saved, dispatch_uid="read_cache_save")
    post_delete.connect(_record_deleted, dispatch_uid="read_cache_delete")
    m2m_changed.connect(_m2m_changed, dispatch_uid="read_cache_m2m")


@contextmanager
def uncached():
    """Compute everything afresh inside (tests and the benchmark compare cached and uncached figures)."""
    before = getattr(_local, "off", False)
    _local.off = True
    try:
        yield
    finally:
        _local.off = before


def _enabled(name):
    return not getattr(_local, "off", False) and _seconds(name, 0) > 0


def page_key(*parts):
    """A whole response's key: the language and the request, not the version (stored beside the page, so a
    write turns every cached page stale at once and the next reader's page replaces the stale one)."""
    digest = hashlib.sha1(repr(parts).encode()).hexdigest()
    return f"reads:page:{PAGE_FORMAT}:{translation.get_language()}:{digest}"


def rebuild_lock(full_path, accept, method):
    """The lock held while a page is rebuilt in any language after a write that changed nobody's view: named by
    the page (its path without the language's prefix, the query, `Accept`, the method), not by the language."""
    for code, _name in settings.LANGUAGES:
        prefix = f"/{code}/"
        if full_path.startswith(prefix):
            full_path = full_path[len(prefix) - 1 :]
            break
    digest = hashlib.sha1(repr((full_path, accept, method)).encode()).hexdigest()
    return f"reads:rebuilding:{PAGE_FORMAT}:{digest}"


def summaries_cached():
    """Whether `cached_summary` caches now (on in production, off in tests unless a test turns it on)."""
    return _enabled("READ_CACHE_SUMMARY_SECONDS")


def summary_key(function, args=(), kwargs=None):
    """Where `cached_summary` keeps `function(*args, **kwargs)` (with its version): in the current language, or
    once for every language when the summary holds no words (`per_language=False`)."""
    parts = (function.__module__, function.__qualname__, tuple(args), sorted((kwargs or {}).items()))
    language = translation.get_language() if getattr(function, "per_language", True) else "any"
    return f"reads:summary:{language}:{hashlib.sha1(repr(parts).encode()).hexdigest()}"


def cached_summary(function=None, *, stale_while_computing=False, per_visibility=False, per_language=True):
    """Cache `function`'s (plain, picklable) result under the records' version, the language and the arguments.

    The value is stored with the version it was computed under and when; after a write the first caller computes
    it again. With `stale_while_computing` (numbers only: `releases.stats`), after a write:
    - numbers computed less than READ_CACHE_SUMMARY_REFRESH_SECONDS ago are served as they are (release day with
      an editor at work: a write a second must not start seconds of aggregates a second; they piled up on both
      cores), so under a stream of writes the numbers lag by at most that interval and one computation;
    - past it, one caller computes while the others (and any caller during that computation) get the previous
      numbers: one write must not make fifty readers compute at once; with READ_CACHE_BACKGROUND_REFRESH (on in
      production) that caller too gets the previous numbers and a thread computes the new ones.
    A page built from previous numbers is current only READ_CACHE_STALE_PAGE_SECONDS (`served_stale`). Without it
    (the default, for anything that decides what is hidden) nobody is ever served a value of an older version:
    a caller who finds another process computing the current version waits for its value (up to
    READ_CACHE_WAIT_SECONDS) instead of computing it a second time. With `per_visibility` (only for what depends on
    nothing but who sees what: the sources hidden with withheld people) the value is kept under the visibility's
    version instead, so a write that changed nobody's view does not make it be computed again. With
    `per_language=False` (numbers and ids only, no word of any language) it is computed once for every language:
    on release day readers arrive in four.

    A summary computed from another one of an older version (served stale while computing) holds numbers of a
    moment ago: it is served as such, never stored as the current version's value, and computed again by the
    next caller past the refresh interval."""

    current = visibility_version if per_visibility else records_version
    version_key = VISIBILITY_KEY if per_visibility else VERSION_KEY

    def decorate(function):
        @functools.wraps(function)
        def wrapper(*args, **kwargs):
            if not _enabled("READ_CACHE_SUMMARY_SECONDS"):
                return function(*args, **kwargs)
            key = summary_key(wrapper, args, kwargs)
            version, stored = _version_and_stored(version_key, current, key)
            if stored is not None and stored[0] == version:
                return stored[1]
            if stale_while_computing and stored is not None and _recent(stored):
                _local.stale = True
                return stored[1]
            # The stale-serving kind computes one version at a time; the other kind may not wait for anyone.
            lock = f"{key}:computing" if stale_while_computing else f"{key}:computing:{version}"
            computing_elsewhere = not cache.add(lock, 1, _seconds("READ_CACHE_COMPUTE_SECONDS", 60))
            if stale_while_computing and stored is not None and not computing_elsewhere and _in_background():
                _refresh_in_background(function, args, kwargs, key, version, lock)
                computing_elsewhere = True  # the lock is the thread's now
            if computing_elsewhere and stale_while_computing and stored is not None:
                _local.stale = True
                return stored[1]
            if computing_elsewhere and not stale_while_computing:
                computed = _stored_elsewhere(key, lock, version)
                if computed is not None:
                    return computed[1]
            if computing_elsewhere and stale_while_computing:  # nothing stored yet (a cold cache): no herd either
                computed = _stored_elsewhere(key, lock, None)
                if computed is not None:
                    _local.stale = getattr(_local, "stale", False) or computed[0] != version
                    return computed[1]
            try:
                value, made_of_stale = _computed(function, args, kwargs)
                stored_as = _MADE_OF_STALE if made_of_stale else version
                cache.set(key, (stored_as, value, time.time()), _seconds("READ_CACHE_SUMMARY_SECONDS", 0))
            finally:
                if not computing_elsewhere:
                    cache.delete(lock)
            return value

        wrapper.uncached = function
        wrapper.per_language = per_language
        return wrapper

    return decorate(function) if function is not None else decorate


def _version_and_stored(version_key, current, key):
    """The current version (of the records or of who sees what) and what is stored under `key`, in one trip to
    the cache: a summary's key does not depend on the version (the version is stored with the value)."""
    found = cache.get_many([version_key, key])
    version = found.get(version_key)
    if version is None:  # an emptied cache: start the version as `current` does
        version = current()
    return version, found.get(key)


# The version under which a summary computed from summaries of an older version is stored: never current.
_MADE_OF_STALE = "made-of-stale"


def _computed(function, args, kwargs):
    """`function(*args, **kwargs)` and whether it used a summary served stale (the caller's flag kept as well)."""
    before = getattr(_local, "stale", False)
    _local.stale = False
    try:
        value = function(*args, **kwargs)
        made_of_stale = _local.stale
    finally:
        _local.stale = before or getattr(_local, "stale", False)
    return value, made_of_stale


def _stored_elsewhere(key, lock, version):
    """Wait for the process holding `lock` to store `key` for `version` (None: any value, for numbers that may be
    served stale) and return what it stored (one computation after a write, or into a cold cache, instead of one
    per waiting reader); None when that process gave up or took longer than READ_CACHE_WAIT_SECONDS: the caller
    then computes itself."""
    deadline = time.monotonic() + _seconds("READ_CACHE_WAIT_SECONDS", 0)
    pause = 0.01
    while time.monotonic() < deadline:
        time.sleep(pause)
        pause = min(pause * 2, 0.1)
        found = cache.get_many([key, lock])
        stored = found.get(key)
        if stored is not None and (version is None or stored[0] == version):
            return stored
        if lock not in found:
            return None
    return None


def _in_background():
    """Whether a due summary that has a previous value is computed by a thread while this request is served the
    previous value (READ_CACHE_BACKGROUND_REFRESH; not inside such a thread: what it calls is computed there)."""
    return _seconds("READ_CACHE_BACKGROUND_REFRESH", False) and not getattr(_local, "background", False)


def _refresh_in_background(function, args, kwargs, key, version, lock):
    """Compute `function` in a thread of this process and store it under `version`, then release `lock`: the
    request that found the summary due is not the one that waits seconds for it (nor are the readers waiting
    for the page it builds)."""
    from django.db import connections

    language = translation.get_language()

    def run():
        _local.background = True
        try:
            _leave_a_core_to_the_readers()
            with translation.override(language):
                value, made_of_stale = _computed(function, args, kwargs)
            stored_as = _MADE_OF_STALE if made_of_stale else version
            cache.set(key, (stored_as, value, time.time()), _seconds("READ_CACHE_SUMMARY_SECONDS", 0))
        except Exception:  # the next reader past the interval tries again; the previous numbers stay meanwhile
            logger.exception("Computing the summary %s in the background failed.", key)
        finally:
            cache.delete(lock)
            connections.close_all()  # this thread's own connection

    threading.Thread(target=run, name="summary-refresh", daemon=True).start()


def _leave_a_core_to_the_readers():
    """Plan this thread's queries without parallel workers (PostgreSQL): the aggregates computed again every few
    seconds under a stream of writes took both cores for seconds as parallel queries, and the cached pages waited
    for a core. The thread's own session; closed when it ends."""
    from django.db import connection

    if connection.vendor == "postgresql":
        workers = int(_seconds("READ_CACHE_BACKGROUND_PARALLEL_WORKERS", 0))
        with connection.cursor() as cursor:
            cursor.execute(f"SET max_parallel_workers_per_gather = {workers}")  # an int from settings


def _recent(stored):
    """Whether a stored summary was computed less than READ_CACHE_SUMMARY_REFRESH_SECONDS ago."""
    computed_at = stored[2] if len(stored) > 2 else 0.0
    return time.time() - computed_at < _seconds("READ_CACHE_SUMMARY_REFRESH_SECONDS", 0)


def served_stale():
    """Whether this request was given a summary of an older version (its response is then not cached)."""
    return getattr(_local, "stale", False)


def cached_menu(name, compute, seconds):
    """`compute()`'s result, cached for `seconds` under the records' version and `name` (a menu's choices)."""
    # Country codes, the same in every language: one entry for all of them.
    return cache.get_or_set(f"reads:{records_version()}:menu:{name}", compute, seconds)


# Whole responses ----------------------------------------------------------------------------------------

CACHED_TYPES = ("text/html", "application/json", "application/rss+xml", "application/atom+xml", "text/csv")
KEPT_HEADERS = ("Content-Type", "Content-Language", "Content-Disposition", "Vary", "Link")


def _anonymous(request):
    if request.method not in ("GET", "HEAD"):
        return False
    if "HTTP_AUTHORIZATION" in request.META or settings.SESSION_COOKIE_NAME in request.COOKIES:
        return False
    if request.path.startswith(tuple(_seconds("READ_CACHE_SKIP_PATHS", ()))):
        return False
    user = getattr(request, "user", None)
    return user is None or not user.is_authenticated


def cached_page_keys(request):
    """The keys a request's cached answer is read under ([the records' version, the visibility's, the lock of the
    page's rebuild in any language, the page]), or
    None when the request is not answered from the cache. Needs the user and the language (after their
    middleware)."""
    if not _enabled("READ_CACHE_PAGE_SECONDS") or not _anonymous(request):
        return None
    request_parts = (request.get_full_path(), request.META.get("HTTP_ACCEPT", ""), request.method)
    return [VERSION_KEY, VISIBILITY_KEY, rebuild_lock(*request_parts), page_key(*request_parts)]


def remember_prefetched(request, keys, found):
    """What an earlier middleware read for `keys` in its own trip (the page throttle), for the cache below."""
    request._read_cache_prefetched = (keys, found)


class AnonymousReadCacheMiddleware:
    """Serve anonymous readers' GETs from the cache (after authentication and the language are known)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        _local.stale = False
        keys = cached_page_keys(request)
        if keys is None:
            return self.get_response(request)
        key = keys[-1]
        # One trip: the versions and the page stored with the versions it was made under (already read with the
        # page throttle's count when the throttle is on and the request is the one it looked up).
        prefetched = getattr(request, "_read_cache_prefetched", None)
        found = prefetched[1] if prefetched is not None and prefetched[0] == keys else cache.get_many(keys)
        version = found.get(VERSION_KEY)
        if version is None:
            version = records_version()
        seen_by = found.get(VISIBILITY_KEY)
        if seen_by is None:
            seen_by = visibility_version()
        hit = found.get(key)
        if hit is not None and hit[0] == version and (hit[2] is None or time.time() < hit[2]):
            return self._served(hit, "hit")
        # After a write every reader misses at once: one builds the page. If the write changed nobody's view (the
        # page was made under the current visibility), the others are served the page of a moment ago meanwhile,
        # and the page is rebuilt in one language at a time; otherwise they wait for the new one (fifty builds of
        # the same page at once took both cores for seconds).
        lock = f"{key}:building:{version}"
        wait = _seconds("READ_CACHE_WAIT_SECONDS", 0) or 1
        rebuilding = None
        if hit is not None and hit[1] == seen_by:
            # An editor writing every second made every page be rebuilt after each write, one build after another
            # on the cores the readers share: a page made a moment ago is served as it is.
            if time.time() - hit[3] < _seconds("READ_CACHE_PAGE_REFRESH_SECONDS", 0):
                return self._served(hit, "recent")
            # Readers arrive in four languages: one rebuild of a page at a time in any of them (each language's
            # first reader rebuilt it at once after every write); the others keep their page of a moment ago.
            rebuilding = keys[2]
            if rebuilding in found or not cache.add(rebuilding, 1, wait):
                return self._served(hit, "stale")
            if not cache.add(lock, 1, wait):
                cache.delete(rebuilding)
                return self._served(hit, "stale")
            building = True
        else:
            building = cache.add(lock, 1, wait)
        if not building:
            built = _stored_elsewhere(key, lock, version)
            if built is not None:
                return self._served(built, "hit")
        try:
            response = self.get_response(request)
            if self._cacheable(request, response):
                headers = {name: response[name] for name in KEPT_HEADERS if response.has_header(name)}
                # A page built from numbers of an older version is current only a moment; kept beyond it, it is
                # what the readers get (if the visibility is the same) while the next reader rebuilds it.
                until = time.time() + _seconds("READ_CACHE_STALE_PAGE_SECONDS", 2) if served_stale() else None
                stored = (version, seen_by, until, time.time(), response.status_code, response.content, headers)
                cache.set(key, stored, _seconds("READ_CACHE_PAGE_SECONDS", 0))
                response["X-Read-Cache"] = "miss"
        finally:
            if building:
                cache.delete_many([lock, rebuilding] if rebuilding else [lock])
        return response

    @staticmethod
    def _served(stored, how):
        _version, _seen_by, _until, _made_at, status, content, headers = stored
        response = HttpResponse(content, status=status)
        for name, value in headers.items():
            response[name] = value
        response["X-Read-Cache"] = how
        return response

    @staticmethod
    def _cacheable(request, response):
        return (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and response.get("Content-Type", "").startswith(CACHED_TYPES)
            and "private" not in response.get("Cache-Control", "")
            and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")  # a form's token is the reader's own
            and not getattr(getattr(request, "session", None), "modified", False)
            and _anonymous(request)  # the view did not log anyone in
        )
