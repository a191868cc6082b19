"""The one exception type the CLI turns into a single line and a non-zero exit."""


class PulseError(Exception):
    """An expected failure: bad input, an unreachable server, a failed migration."""

    def __init__(self, message: str, exit_code: int = 1):
        super().__init__(message)
        self.exit_code = exit_code
