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


def unknown_options(parser: argparse.ArgumentParser, command: str | None, extras: list[str]) -> str:
    """One line for arguments the command does not take: the closest option it has, and its help."""
    import difflib

    sub = next((a.choices[command] for a in parser._actions
                if isinstance(a, argparse._SubParsersAction) and command in a.choices), parser)
    options = {o.lstrip("-"): o for a in sub._actions for o in a.option_strings if o.startswith("--")}
    problems = []
    after_flag = False
    for extra in extras:
        flag = extra.split("=", 1)[0]
        if flag.startswith("-"):
            near = difflib.get_close_matches(flag.lstrip("-"), sorted(options), n=1, cutoff=0.6)
            problems.append(f"unknown option {flag}" + (f" (did you mean {options[near[0]]}?)" if near else ""))
            after_flag = "=" not in extra
        elif not after_flag:   # a value right after an unknown option belongs to it
            problems.append(f"unexpected argument {extra!r}")
        else:
            after_flag = False
    return f"{sub.prog}: {'; '.join(problems)} (see '{sub.prog} --help')"


def main(argv: list[str] | None = None) -> int:
    try:  # Ctrl-C while the commands import is an interrupt too, not a traceback
        parser = build_parser()
        args, extras = parser.parse_known_args(argv)
        if extras:
            print(unknown_options(parser, getattr(args, "command", None), extras), file=sys.stderr)
            return 2
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
