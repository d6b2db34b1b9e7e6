"""Requests made the way gunicorn makes them: Django's WSGI handler called directly, in this process.

The list cases are timed through this, not Django's test client: the test client keeps every response in
reference cycles of its own (`response.json`, `response.client`, the request it records), so each response's data
waits for the garbage collector, whose passes then land on one request in ten or twenty; and it connects signal
handlers of its own to every request. Neither happens under gunicorn. Database connections are kept between
requests as docker-compose ships them (`CONN_MAX_AGE`, set by the benchmark before Django starts).
"""

import io
import json
from urllib.parse import urlsplit

from django.core.handlers.wsgi import WSGIHandler


class Answer:
    """What the benchmark reads of a response: the status code and the body."""

    streaming = False

    def __init__(self, status, headers, content):
        self.status_code = int(status.split(" ", 1)[0])
        self.headers = dict(headers)
        self.content = content

    def json(self):
        return json.loads(self.content)


class WsgiClient:
    def __init__(self):
        self.app = WSGIHandler()

    def get(self, url, **headers):
        parts = urlsplit(url)
        environ = {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": parts.path,
            "QUERY_STRING": parts.query,
            "SERVER_NAME": "testserver",
            "SERVER_PORT": "80",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "HTTP_HOST": "testserver",
            "REMOTE_ADDR": "127.0.0.1",
            "wsgi.input": io.BytesIO(b""),
            "wsgi.url_scheme": "http",
            "wsgi.errors": io.StringIO(),
            **headers,
        }
        started = []
        body = self.app(environ, lambda status, headers, exc_info=None: started.append((status, headers)))
        try:
            content = b"".join(body)
        finally:
            if hasattr(body, "close"):
                body.close()
        return Answer(started[0][0], started[0][1], content)
