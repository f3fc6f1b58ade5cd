"""The after-action review: a run told in Markdown for the people who played or studied it.

What was set, what the facilitator did, what the scenario scheduled, where the world
ended (blocs, fronts, votes), who moved and when they changed camp, and the largest flows.
Everything comes from the model's records, so the review says nothing the log does not,
and the same run always gives the same review.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from sim.actions import prose_name
from sim.camps import camp_changes
from sim.votes import outcome
from sim.world import ITEM

MOVERS = 8  # actors listed under "Who moved"
STOP_SHARE = 0.5  # a cut of steady support is told as a policy turn when at least this share of it ends


def after_action_review(model, overrides: dict[str, Any] | None = None, summary: dict | None = None) -> str:
    """The review of ``model``'s run so far, as Markdown (``summary``: model.summary(), if at hand)."""
    s, w = model.spec, model.world
    summary = summary or model.summary()
    names = dict(zip(w.ids, w.names))
    out = [f"# After-action review: {s.name}", "",
           f"- Months: {summary['start']} to {summary['end']} ({summary['steps']} of {s.steps} steps); "
           f"seed {model.seed}; alignment rule `{summary['alignment_rule']}`."]
    if overrides:
        out.append("- Changed from the scenario file: " +
                   "; ".join(f"`{k} = {v}`" for k, v in overrides.items()) + ".")
    out += ["", *_moves(model, names), "", *_ending(model, summary, names), "",
            *_movers(model, names), "", *_turns(model, names), *_flows(summary, names)]
    return "\n".join(out).rstrip() + "\n"


def _moves(model, names: dict[str, str]) -> list[str]:
    injected = [a for a in model.events if str(a.source).startswith("inject")]
    out = ["## The facilitator's moves", ""]
    out += [f"- {a.date}: {a.sentence(names)}" for a in injected] or ["None: the run followed its scenario."]
    fired: dict[tuple[str, str], None] = {}
    for a in model.events:
        if str(a.source).startswith("event:") and a.event:
            fired[(a.date, a.event)] = None
    out += ["", "## Scheduled events that fired", ""]
    out += [f"- {date}: {what}" for date, what in fired] or ["None."]
    return out


def _ending(model, summary: dict, names: dict[str, str]) -> list[str]:
    out = ["## Where it ended", "", "| bloc | members | cohesion |", "|---|---|---|"]
    for k, (members, coh) in enumerate(zip(summary["blocs"], summary["cohesion"]), 1):
        out.append(f"| {k} | {', '.join(names[a] for a in members)} | {coh:.2f} |")
    if summary["nonaligned"]:
        out.append(f"| - | non-aligned: {', '.join(names[a] for a in summary['nonaligned'])} | |")
    series = model.series()
    out += ["", f"- Polarization: {series['polarization'].iloc[0]:.2f} at the start, "
                f"{summary['polarization']:.2f} at the end."]
    for tid, front in summary["front"].items():
        t = model.spec.theaters[tid]
        out.append(f"- {t.name}: {front_sentence(t, front, names)}.")
    out += [f"- {vote_sentence(v, v['title'], names)}." for v in summary["votes"]]
    return out


def front_sentence(theater, front: float, names: dict[str, str]) -> str:
    """'19.5% of Ukraine's territory held by Russia (started at 7.0%)'."""
    return (f"{front:.1f}% of {names[theater.defender]}'s territory held by {names[theater.attacker]} "
            f"(started at {theater.front:.1f}%)")


def vote_sentence(vote: dict, label: str, names: dict[str, str]) -> str:
    """A vote held: result, counts among the modelled actors, and how it compares with the record."""
    line = (f"UN vote {label} ({vote['date']}): {outcome(vote)}, {len(vote['for'])} for, "
            f"{len(vote['against'])} against, {len(vote['abstain'])} abstaining among the modelled actors")
    check = vote.get("record_check")
    if check:
        differs = ", ".join(f"{names[d['actor']]} voted {d['model']} (on record {d['record']})"
                            for d in check["differs"])
        line += f"; as on record for {check['matches']} of {check['compared']}" + (f": {differs}" if differs else "")
    return line


def _movers(model, names: dict[str, str]) -> list[str]:
    agents = model.agent_series()
    first = agents[agents["step"] == agents["step"].min()].set_index("actor")["lean"]
    last = agents[agents["step"] == agents["step"].max()].set_index("actor")["lean"]
    change = (last - first).sort_values(key=abs, ascending=False)
    out = ["## Who moved", "", "Lean runs from -1 (the US-led pole) to +1 (the Russia/China pole).", "",
           "| actor | lean at the start | at the end | change |", "|---|---|---|---|"]
    for actor in change.index[:MOVERS]:
        out.append(f"| {names[actor]} | {first[actor]:+.2f} | {last[actor]:+.2f} | {change[actor]:+.2f} |")
    changes = camp_changes(agents, model.spec.poles, names, model.spec.step_to_month)
    switches = sorted((c.step, c.sentence()) for c in changes)
    out += ["", "Changes of camp:", ""]
    out += ["- " + text for _, text in switches] or ["- None: every actor ended in the camp it started in."]
    return out


def _turns(model, names: dict[str, str]) -> list[str]:
    """The stops of steady support the alignment rule counted as hostility (the interest rule's cut
    term): which pair cooled, what support stopped, since when it had flowed, and why it stopped."""
    cuts = [c for c in getattr(model.alignment, "cuts", []) if c[4] <= (1 - STOP_SHARE) * c[3]]
    if not cuts:
        return []
    w, month = model.world, model.spec.step_to_month
    out = ["## Policy turns", "", "Steady support that stopped (the alignment rule counts the stop as hostility):", ""]
    for step, i, j, steady, now, before in cuts:
        giver, receiver = w.ids[i], w.ids[j]
        sent = _support_by_month(model, giver, receiver)
        since = step - 1
        while since - 1 in sent and sum(sent[since - 1].values()) > 0:
            since -= 1
        kinds = {k for m in range(max(since, step - 6), step) for k, v in sent.get(m, {}).items() if v > 0}
        what = " and ".join(f"{k} (${sent[step - 1].get(k, 0.0):,.2f}bn the month before)" for k in sorted(kinds))
        causes = [a for a in model.events if a.step in (step - 1, step) and a.actor == giver
                  and (a.kind == "policy" or (a.kind == "withdraw" and a.target == receiver))]
        why = "; ".join(dict.fromkeys(f"the event: {a.event}" if a.event else a.sentence(names) for a in causes)) \
            or f"no event or inject: {prose_name(names[giver])}'s own doctrine sent less"
        who, whom = prose_name(names[giver]), prose_name(names[receiver])
        out.append(f"- {month(step)}: {who[0].upper() + who[1:]} and {whom} cooled (affinity {before:+.2f} before, "
                   f"{w.affinity[i, j]:+.2f} at the end). The {what} {who} had sent {whom} "
                   f"every month since {month(since)} (at least ${steady:,.2f}bn a month together) stopped: "
                   f"${now:,.2f}bn that month. Why: {why}.")
    return out + [""]


def _support_by_month(model, giver: str, receiver: str) -> dict[int, dict[str, float]]:
    """Step -> {'aid': $bn, 'arms': $bn} that `giver` delivered to `receiver`, from the log."""
    prices = model.world.prices
    out: dict[int, dict[str, float]] = {}
    for a in model.events:
        if a.actor != giver or a.target != receiver or a.blocked or not a.delivered:
            continue
        if a.kind == "economic_support":
            kind, value = "aid", a.delivered
        elif a.kind == "arms_transfer":
            kind, value = "arms", a.delivered * prices[ITEM[a.item]]
        else:
            continue
        month = out.setdefault(a.step, {})
        month[kind] = month.get(kind, 0.0) + value
    return out


def _flows(summary: dict, names: dict[str, str]) -> list[str]:
    out = ["## Largest flows over the run", ""]
    out += [f"- {names[f['from']]} to {names[f['to']]}: {f['amount']:,.0f} {f['units']}"
            for f in summary["arms_flows"][:5]]
    out += [f"- {names[f['from']]} to {names[f['to']]}: ${f['bn']:,.1f}bn {f['item'].replace('_', ' ')}"
            for f in summary["aid_flows"][:5]]
    return out if len(out) > 2 else out + ["None."]
