"""The after-action review of a game: one self-contained HTML file (plots inline as SVG, no outside requests).

It tells one branch turn by turn (each team's orders, the injects and changes the facilitator
made, what the AI countries did and why, the UN votes), plots the alignment, the fronts and
the flows, and lists the branch points with how each branch ended differently.
"""

from __future__ import annotations

import html
import io

from sim.game.orders import order_sentence

STYLE = """
body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222;line-height:1.45}
h1{font-size:1.6em}h2{border-bottom:1px solid #ccc;padding-bottom:.2em;margin-top:2em}h3{margin-bottom:.3em}
.team{background:#eef5ff;border-left:4px solid #3a78c2;padding:.3em .8em;margin:.4em 0}
.inject{background:#fff4e0;border-left:4px solid #d08a00;padding:.3em .8em;margin:.4em 0}
.ai{color:#444;font-size:.93em}.muted{color:#777}table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:.2em .6em;text-align:left}
figure{margin:1em 0}svg{max-width:100%;height:auto}
"""


def _e(text) -> str:
    return html.escape(str(text))


def _svg(fig) -> str:
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    for ax in fig.axes:
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    buf = io.StringIO()
    fig.tight_layout()
    fig.savefig(buf, format="svg", metadata={"Creator": None, "Date": None, "Format": None, "Type": None})
    plt.close(fig)
    text = buf.getvalue()
    return text[text.index("<svg"):]


def plots(model, names: dict[str, str], turn_marks: list[int]) -> dict[str, str]:
    """Alignment, fronts and flows of a run, as inline SVG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    series = model.series()
    out = {}
    fig, ax = plt.subplots(figsize=(8, 3))
    for col, label in (("polarization", "polarization"), ("cohesion_west", "cohesion of the West's bloc"),
                       ("cohesion_east", "cohesion of the East's bloc")):
        if col in series:
            ax.plot(series["step"], series[col], label=label)
    for t in turn_marks:
        ax.axvline(t, color="#bbb", lw=0.6)
    ax.set_xlabel("month (step)"), ax.set_title("Alignment"), ax.legend(fontsize=8)
    out["alignment"] = _svg(fig)
    fronts = [c for c in series if c.startswith("front_")]
    if fronts:
        fig, ax = plt.subplots(figsize=(8, 3))
        for c in fronts:
            t = model.theaters[c[len("front_"):]]
            ax.plot(series["step"], series[c], label=f"{t.name}: % of {names.get(t.defender, t.defender)} held")
        for t in turn_marks:
            ax.axvline(t, color="#bbb", lw=0.6)
        ax.set_xlabel("month (step)"), ax.set_title("Fronts"), ax.legend(fontsize=8)
        out["fronts"] = _svg(fig)
    fig, ax = plt.subplots(figsize=(8, 3))
    from sim.scenario.schema import ITEMS
    value = sum(series[f"arms_{k}"] * model.world.prices[i] for i, k in enumerate(ITEMS))
    ax.plot(series["step"], value, label="arms delivered ($bn value)")
    ax.plot(series["step"], series["aid_bn"], label="aid ($bn)")
    ax.plot(series["step"], series["covert_bn"], label="dual-use trade ($bn)")
    ax.set_xlabel("month (step)"), ax.set_title("Flows a month"), ax.legend(fontsize=8)
    out["flows"] = _svg(fig)
    return out


def _ending(model) -> dict:
    s = model.summary()
    return {"end": s["end"], "front": s["front"], "polarization": s["polarization"], "blocs": s["blocs"],
            "lean": s["lean"]}


def branch_differences(game, branch: int) -> list[str]:
    """How every other branch ended, against `branch`."""
    base = _ending(game.final_model(branch))
    lines = []
    for b in game.branches.values():
        if b.id == branch:
            continue
        other = _ending(game.final_model(b.id))
        parts = [f"ends {other['end']} (this branch: {base['end']})"]
        for tid, f in other["front"].items():
            if abs(f - base["front"].get(tid, f)) > 0.05:
                parts.append(f"front {tid} {f:.1f}% against {base['front'][tid]:.1f}%")
        parts.append(f"polarization {other['polarization']:+.3f} against {base['polarization']:+.3f}")
        moved = sorted(other["lean"], key=lambda a: -abs(other["lean"][a] - base["lean"].get(a, 0)))[:3]
        parts.append("largest differences in lean: " + ", ".join(
            f"{a} {other['lean'][a]:+.2f} vs {base['lean'][a]:+.2f}" for a in moved))
        if other["blocs"] != base["blocs"]:
            parts.append("blocs: " + "; ".join("+".join(x) for x in other["blocs"]))
        origin = f"from branch {b.parent} at turn {b.fork}" if b.parent else "the first branch"
        lines.append(f"Branch {b.id} ({origin}): " + "; ".join(parts) + ".")
        part = next((n for n in range(1, game.last_turn + 1) if game.turn_of(b.id, n) is not game.turn_of(branch, n)
                     and (game.turn_of(b.id, n) or game.turn_of(branch, n))), None)
        if part is not None:
            for bid in (b.id, branch):
                turn = game.turn_of(bid, part)
                played = [order_sentence(o, game.names, game.scenario.economy.prices_bn) for t in game.teams for o in (turn.orders_of(t) if turn else [])]
                lines.append(f"At turn {part}, where they part, branch {bid} played: " + (" ".join(played) or "no team orders"))
    return lines


def render(game, branch: int) -> str:
    """The review of `branch` as HTML (everything: `Game.review` lets only the facilitator have it)."""
    names = game.names
    model = game.final_model(branch)
    turns = game.lineage(branch)
    teams = set(game.teams)
    b = game.branches[branch]
    h = [f"<!doctype html><html><head><meta charset='utf-8'><title>After-action review: {_e(game.scenario_name)}"
         f"</title><style>{STYLE}</style></head><body>",
         f"<h1>After-action review: {_e(game.scenario.name)}</h1>",
         f"<p>{_e(game.scenario.description)}</p>",
         f"<p>Seed {game.seed}; {game.months_per_turn} month(s) a turn; teams: "
         + ", ".join(f"{_e(names[t])} ({t})" for t in game.teams) + f". Branch {branch}"
         + (f", made from branch {b.parent} at turn {b.fork}" if b.parent else "")
         + f"; {sum(t.phase == 'adjudicated' for t in turns)} turn(s) adjudicated, up to {_e(model.month)}.</p>"]
    h.append("<h2>Branches</h2><ul>")
    for row in game.branch_list():
        origin = f"from branch {row['parent']} at turn {row['fork']}" if row["parent"] else "the first branch"
        mark = " (told here)" if row["id"] == branch else ""
        h.append(f"<li>Branch {row['id']}: {origin}, up to turn {row['turns']}{mark}</li>")
    h.append("</ul>")
    diffs = branch_differences(game, branch)
    if diffs:
        h.append("<h3>How the other branches differ</h3><ul>" + "".join(f"<li>{_e(x)}</li>" for x in diffs) + "</ul>")
    h.append("<h2>Plots</h2>")
    marks = [game.months(t.number).start - 1 for t in turns]
    for title, svg in plots(model, names, marks).items():
        h.append(f"<figure>{svg}</figure>")
    h.append("<h2>Turn by turn</h2>")
    for turn in turns:
        months = game.months(turn.number)
        first, last = game.scenario.step_to_month(months.start), game.scenario.step_to_month(months.stop - 1)
        span = first if first == last else f"{first} to {last}"
        h.append(f"<h3>Turn {turn.number} ({span}): {turn.phase}</h3>")
        for path, value in turn.inputs.sets:
            h.append(f"<div class='inject'>The facilitator set {_e(path)} to {_e(value)}.</div>")
        for d in turn.injects:
            h.append(f"<div class='inject'>Inject: {_e(d.get('description') or d.get('event'))}</div>")
        for team in game.teams:
            orders = turn.orders_of(team)
            text = "".join(f"<li>{_e(order_sentence(o, names, game.scenario.economy.prices_bn))}"
                           + (" <span class='muted'>(advisor's suggestion)</span>"
                              if turn.origins.get(i) == "advisor" else "") + "</li>"
                           for i, o in turn.order_ids.get(team, {}).items())
            h.append(f"<div class='team'><b>{_e(names[team])}</b> (team): "
                     + (f"<ul>{text}</ul>" if orders else "no orders") + "</div>")
        moves = [a for a in model.events if a.step in months]
        if turn.phase == "adjudicated" and moves:
            played = [a for a in moves if a.actor in teams and a.source.startswith("order")]
            if played:
                h.append("<p><b>What came of the teams' orders:</b></p><ul>"
                         + "".join(f"<li>{_e(a.sentence(names))}</li>" for a in played) + "</ul>")
            ai = [a for a in moves if not a.source.startswith("order") and a.source != "facilitator"]
            h.append("<p><b>What the AI countries and the world did, with reasons:</b></p><ul class='ai'>"
                     + "".join(f"<li>[{_e(a.date)}] {_e(a.sentence(names))}</li>" for a in ai) + "</ul>")
        for v in model.votes:
            if v["step"] in months:
                h.append(f"<p>UN vote \"{_e(v['title'])}\": {len(v['for'])} for, {len(v['against'])} against, "
                         f"{len(v['abstain'])} abstaining; {'adopted' if v['adopted'] else 'not adopted'}"
                         + (f" (vetoed by {', '.join(v['vetoed_by'])})" if v["vetoed_by"] else "") + ".</p>")
    h.append("<h2>Where it ended</h2><ul>")
    summary = model.summary()
    for tid, f in summary["front"].items():
        h.append(f"<li>Front {_e(model.theaters[tid].name)}: {f:.1f}% of "
                 f"{_e(names[model.theaters[tid].defender])} held</li>")
    h.append(f"<li>Polarization {summary['polarization']:+.3f}; blocs: "
             + "; ".join(_e(" + ".join(x)) for x in summary["blocs"]) + "</li>")
    flows = summary["arms_flows"][:10]
    if flows:
        h.append("</ul><table><tr><th>from</th><th>to</th><th>item</th><th>amount</th></tr>" + "".join(
            f"<tr><td>{_e(f['from'])}</td><td>{_e(f['to'])}</td><td>{_e(f['item'])}</td>"
            f"<td>{f['amount']:,.0f} {_e(f['units'])}</td></tr>" for f in flows) + "</table>")
    else:
        h.append("</ul>")
    h.append("</body></html>")
    return "\n".join(h)
