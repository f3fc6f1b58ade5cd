"""Errors a user can fix: each carries one or more ready-to-print messages."""


class UserError(Exception):
    """Bad input from a user (scenario, sweep spec, CLI value).

    Each message reads `FILE:LINE: field.path: what is wrong (what is expected)` when a
    file is involved. The CLI prints them and exits with code 2, never a traceback.
    """

    def __init__(self, messages: list[str] | str):
        self.messages = [messages] if isinstance(messages, str) else list(messages)
        super().__init__("\n".join(self.messages))
