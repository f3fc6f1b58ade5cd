"""Errors a user can fix: each carries one or more ready-to-print messages."""


class UserError(Exception):
    """Bad input from a user (scenario, sweep spec, CLI value).

    Each message reads `FILE:LINE: field.path: what is wrong (what is expected)` when a
    file is involved. The CLI prints them and exits with code 2, never a traceback.
    """

    def __init__(self, messages: list[str] | str):
        self.messages = [messages] if isinstance(messages, str) else list(messages)
        super().__init__("\n".join(self.messages))


def not_finite(where: str, fields: list[str]) -> UserError:
    """The refusal of a run whose numbers overflowed: `where` names the run (and month), `fields` what did."""
    shown = ", ".join(fields[:5]) + (f" and {len(fields) - 5} more" if len(fields) > 5 else "")
    return UserError(f"{where}: the run produced numbers that are not finite ({shown}) "
                     f"(scenario values small enough that sums and products stay finite)")
