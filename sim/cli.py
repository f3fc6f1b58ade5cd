"""The `blocsim` command. Each subcommand is a module in sim/commands/ with
`register(subparsers)` and `run(args) -> int`; this file only discovers and dispatches.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys

from sim import __version__, commands
from sim.errors import UserError


class Parser(argparse.ArgumentParser):
    """argparse that reports a wrong flag in one line and exits 2."""

    def error(self, message: str) -> None:  # noqa: D401
        self.exit(2, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(prog="blocsim", description="Agent-based simulation of how geopolitical blocs form and break.")
    parser.add_argument("--version", action="version", version=f"blocsim {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"sim.commands.{info.name}")
        if hasattr(module, "register"):
            module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    try:  # Ctrl-C while the commands import is an interrupt too, not a traceback
        parser = build_parser()
        args = parser.parse_args(argv)
        if not getattr(args, "func", None):
            parser.print_help()
            return 2
        return int(args.func(args) or 0)
    except UserError as exc:
        for line in exc.messages:
            print(line, file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("blocsim: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
