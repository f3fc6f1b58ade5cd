"""`blocsim reference`: the scenario schema, doctrines, actions and alignment rules, in Markdown."""

from __future__ import annotations

from pathlib import Path

from sim.errors import UserError


def register(sub) -> None:
    p = sub.add_parser("reference", help="print the scenario reference (schema, doctrines, actions, rules)")
    p.add_argument("--write", type=Path, metavar="FILE", help="write it to FILE instead of printing")
    p.set_defaults(func=run)


def run(args) -> int:
    from sim.reference import render

    text = render()
    if args.write:
        try:
            args.write.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise UserError(f"--write {args.write}: cannot write: {exc.strerror or exc} "
                            "(a file path in a folder you can write to)") from None
        print(f"wrote {args.write}")
    else:
        print(text, end="")
    return 0
