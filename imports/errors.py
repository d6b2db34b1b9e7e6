"""The error every reader raises when a file as a whole cannot be read."""


class ImportFileError(Exception):
    """The file as a whole cannot be read: refused at upload (400 naming `field`) or the job fails (row null)."""

    def __init__(self, message, field="file"):
        super().__init__(message)
        self.field = field
