"""`blocsim exercise [NAME]`: the classroom exercises in exercises/.

Each exercise is a folder exercises/NAME/ holding scenario.yaml (the world), worksheet.md
(for students; its first heading is the exercise's title) and instructor.md. A folder may
hold further scenarios (variants) that the worksheet names.

* `blocsim exercise` lists the exercises.
* `blocsim exercise NAME` prints where the worksheet is and opens the exercise's scenario
  in the dashboard (`blocsim dashboard`).
* `blocsim exercise NAME --no-dashboard` runs the scenario headless and prints the
  summary, the alignment rule in force, the affinities asked for with --watch, and the
  first sentences of the event log, each saying who did what to whom and why.
"""

from __future__ import annotations

from pathlib import Path

from sim.commands.argtypes import folder, nonempty_name, positive_int, seed, whole_number
from sim.commands.run import parse_sets
from sim.errors import UserError
from sim.exercises import EXERCISE_DIR, Exercise, exercises, find_exercise, run_watching


def register(sub) -> None:
    p = sub.add_parser(
        "exercise", help="list the classroom exercises, or open one",
        description="Without NAME, list the classroom exercises. With NAME, print the worksheet's "
                    "path and open the exercise's scenario in the dashboard; with --no-dashboard, "
                    "run it headless and print the summary and the event log's first sentences.")
    p.add_argument("name", nargs="?", help="the exercise (a folder name in exercises/)")
    p.add_argument("--no-dashboard", action="store_true",
                   help="run the scenario headless instead of opening the dashboard")
    p.add_argument("--variant", metavar="FILE",
                   help="another scenario in the exercise's folder that the worksheet names")
    p.add_argument("--host", help="dashboard host (passed to blocsim dashboard)")
    p.add_argument("--port", type=whole_number(1, 65535), help="dashboard port (passed to blocsim dashboard)")
    headless = p.add_argument_group("with --no-dashboard")
    headless.add_argument("--seed", type=seed, default=0, help="random seed (default 0)")
    headless.add_argument("--steps", type=positive_int, help="months to run (default: the scenario's)")
    headless.add_argument("--alignment", type=nonempty_name, help="alignment rule to use instead of the scenario's")
    headless.add_argument("--set", action="append", default=[], metavar="PATH=VALUE",
                          help="override a scenario field, e.g. --set events.us_pullback.enabled=false")
    headless.add_argument("--watch", metavar="A-B,C-D",
                          help="print the affinity of these pairs of actors over the run")
    headless.add_argument("--actor", metavar="ID,ID",
                          help="print these actors' state at the end: bloc, lean, sanctions on them, "
                               "reputation cost, what they sent")
    headless.add_argument("--events", type=whole_number(0), default=15, metavar="N",
                          help="how many event-log sentences to print (default 15)")
    headless.add_argument("--find", metavar="TEXT",
                          help="print only event-log sentences containing TEXT (e.g. blocked, China)")
    headless.add_argument("--out", type=folder, help="output folder (default runs/exercise-NAME-seedS)")
    p.set_defaults(func=run)


def run(args) -> int:
    if not args.name:
        return list_exercises()
    ex = find_exercise(args.name)
    scenario = ex.variant(args.variant)
    if args.no_dashboard:
        return run_headless(ex, scenario, args)
    headless_only = [flag for flag, given in (("--set", args.set), ("--alignment", args.alignment),
                                              ("--watch", args.watch), ("--find", args.find),
                                              ("--actor", args.actor),
                                              ("--out", args.out), ("--steps", args.steps),
                                              ("--seed", args.seed != 0)) if given]
    if headless_only:
        raise UserError(f"blocsim exercise {ex.name}: {', '.join(headless_only)} work only with --no-dashboard "
                        "(in the dashboard, change the scenario with its controls)")
    print(f"Exercise {ex.name}: {ex.title}")
    print(f"Worksheet: {ex.worksheet}")
    print(f"Scenario:  {scenario}")
    return open_dashboard(scenario, args.host, args.port, ex.name)


def list_exercises() -> int:
    from rich.console import Console
    from rich.table import Table

    found = exercises()
    if not found:
        raise UserError(f"blocsim exercise: no exercises found in {EXERCISE_DIR}")
    table = Table(title="Classroom exercises (open one with: blocsim exercise NAME)", title_justify="left")
    table.add_column("name", style="bold", no_wrap=True)
    table.add_column("title")
    for ex in found:
        table.add_row(ex.name, ex.title)
    Console().print(table)
    return 0


def open_dashboard(scenario: Path, host: str | None, port: int | None, name: str = "NAME") -> int:
    """Hand over to `blocsim dashboard SCENARIO [--host] [--port]`."""
    import importlib

    try:
        dashboard = importlib.import_module("sim.commands.dashboard")
    except ImportError as exc:
        if exc.name not in ("sim.commands.dashboard", "viz", "solara") and not str(exc.name).startswith("viz."):
            raise
        raise UserError(f"blocsim exercise: the dashboard is not available ({exc.name} cannot be imported); "
                        f"run the exercise headless instead: blocsim exercise {name} --no-dashboard") from None
    try:  # shown in the page's scenario picker: exercises/NAME/scenario.yaml reads better than a full path
        shown = scenario.resolve().relative_to(Path.cwd())
    except ValueError:
        shown = scenario
    return int(dashboard.start(str(shown), host or dashboard.DEFAULT_HOST, port or dashboard.DEFAULT_PORT) or 0)


def parse_pairs(text: str | None, ids: list[str]) -> list[tuple[str, str]]:
    if not text:
        return []
    pairs = []
    for item in text.split(","):
        parts = [x.strip() for x in item.strip().split("-")]
        if len(parts) != 2 or not all(parts):
            raise UserError(f"--watch {item}: expected a pair like RUS-IRN (actor ids joined by '-')")
        for a in parts:
            if a not in ids:
                raise UserError(f"--watch {item}: unknown actor '{a}' (one of the actor ids: {', '.join(ids)})")
        pairs.append((parts[0], parts[1]))
    return pairs


def parse_actors(text: str | None, ids: list[str]) -> list[str]:
    if not text:
        return []
    chosen = [x.strip() for x in text.split(",") if x.strip()]
    for a in chosen:
        if a not in ids:
            raise UserError(f"--actor {a}: unknown actor (one of the actor ids: {', '.join(ids)})")
    return chosen


def print_actor(c, model, aid: str) -> None:
    from rich.table import Table

    from sim.actions import UNITS
    from sim.cards import model_card

    card = model_card(model, aid)
    names = dict(zip(model.world.ids, model.world.names))
    t = Table(title=f"{card['name']} ({aid}) at the end of the run", title_justify="left", show_header=False)
    t.add_column("what")
    t.add_column("value")
    t.add_row("bloc", card["bloc"])
    t.add_row("doctrine in force", card["doctrine"])
    t.add_row("lean (-1 US-led .. +1 Russia/China)", f"{card['lean']:+.2f}")
    t.add_row("sanction pressure (0..1)", f"{card['sanction_pressure']:.2f}")
    t.add_row("sanctioned by (intensity)", ", ".join(f"{names[k]} {v:.2f}" for k, v in card["sanctioned_by"]) or "nobody")
    t.add_row("economic damage (share of output lost)", f"{card['economic_damage']:.1%}")
    t.add_row("short of (for the months of fire it keeps)",
              ", ".join(f"{s['lacks']:,.0f} {UNITS[s['item']]}" for s in card["stocks"] if s["lacks"] > 0) or "nothing")
    t.add_row("reputation concern / reputation cost", f"{card['reputation_concern']:.2f} / {card['reputation_cost']:.2f}")
    for label, key in (("arms sent (whole run)", "arms_sent"), ("arms received (whole run)", "arms_received")):
        t.add_row(label, ", ".join(f"{v:,.0f} {UNITS[k]}" for k, v in card[key].items()) or "none")
    t.add_row("dual-use goods sold (whole run)", f"${card['dual_use_sold_bn']:.1f}bn")
    t.add_row("economic support given / received (aid, loans, cheap energy)",
              f"${card['aid_given_bn']:.1f}bn / ${card['aid_received_bn']:.1f}bn")
    c.print(t)


def run_headless(ex: Exercise, scenario_path: Path, args) -> int:
    from rich.console import Console
    from rich.table import Table

    from sim.alignment import RULES
    from sim.model import BlocModel
    from sim.output import prepare_output, print_summary, write_outputs
    from sim.scenario import check_run_size, load_scenario

    overrides = parse_sets(args.set)
    scenario = load_scenario(scenario_path, overrides)
    steps = args.steps or scenario.steps
    check_run_size(scenario, steps, str(scenario_path))
    out = args.out or Path("runs") / f"exercise-{ex.name}{'-' + scenario_path.stem if args.variant else ''}-seed{args.seed}"
    prepare_output(out, where=f"--out {out}")  # an unwritable folder is refused before the run
    model = BlocModel(scenario, seed=args.seed, alignment=args.alignment)
    pairs = parse_pairs(args.watch, list(model.world.ids))
    actors = parse_actors(args.actor, list(model.world.ids))
    checkpoints = run_watching(model, pairs, steps)

    c = Console()
    rule = RULES[model.rule_name]
    c.print(f"[bold]Exercise {ex.name}[/]: {ex.title}", soft_wrap=True)
    c.print(f"Worksheet: {ex.worksheet}", soft_wrap=True)
    c.print(f"Scenario: {scenario_path}" + (f" with {', '.join(args.set)}" if args.set else ""), soft_wrap=True)
    c.print(f"Alignment rule in force: [bold]{model.rule_name}[/] - {rule.title} ({rule.citation})",
            soft_wrap=True)
    c.print()
    summary = model.summary()
    files = write_outputs(model, out, overrides=overrides, summary=summary, where=f"--out {out}")
    print_summary(model, summary, files)

    if pairs:
        t = Table(title="Affinity of the watched pairs (-1 hostile .. +1 friendly)", title_justify="left")
        t.add_column("pair")
        for month, _ in checkpoints:
            t.add_column(month, justify="right")
        for k, (a, b) in enumerate(pairs):
            t.add_row(f"{a}-{b}", *[f"{vals[k]:+.2f}" for _, vals in checkpoints])
        c.print(t)

    for aid in actors:
        print_actor(c, model, aid)

    sentences = model.events.sentences()
    if args.find:
        needle = args.find.lower()
        chosen = [s for s in sentences if needle in s.lower()]
        head = f"Event log: {len(chosen)} of {len(sentences)} sentences contain '{args.find}'"
    else:
        chosen = sentences
        head = f"Event log: {len(sentences)} sentences"
    shown = chosen[: args.events]
    more = f"; the first {len(shown)}" if len(shown) < len(chosen) else ""
    c.print(f"[bold]{head}{more}[/] (all of them: {files['events']})", soft_wrap=True)
    for s in shown:
        c.print(f"  {s}", soft_wrap=True)
    return 0
