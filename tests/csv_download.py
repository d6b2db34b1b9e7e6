"""Reading a CSV download in tests: the whole file, checked for its last line `# complete: N rows`."""

import csv
import io

COMPLETE_PREFIX = "# complete: "


def csv_text(response):
    """The CSV text of a streamed list export, without its completeness line (asserted to count the rows)."""
    text = b"".join(response.streaming_content).decode()
    body, _newline, last = text.rstrip("\r\n").rpartition("\r\n")
    assert last.startswith(COMPLETE_PREFIX), f"the export lacks its last line: {last!r}"
    body += "\r\n"
    assert int(last.removeprefix(COMPLETE_PREFIX).split()[0]) == len(list(csv.reader(io.StringIO(body)))) - 1
    return body
