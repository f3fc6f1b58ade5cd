"""UN votes: who votes how, vetoes, and how a vote held in a run compares with the record."""

from __future__ import annotations

import numpy as np

from sim.actions import Action, prose_name
from sim.scenario.schema import Scenario, Vote
from sim.world import World

CHOICES = ("for", "against", "abstain")


KIND_PHRASE = {"condemnation": "condemns", "suspension": "suspends from a UN body",
               "reparations": "asks reparations from", "peace_terms": "sets peace terms for",
               "sanctions_monitoring": "keeps sanctions monitoring on"}


def coalition_seat(scenario: Scenario, world: World, i: int) -> int | None:
    """The coalition without a UN seat whose line actor i votes (bloc discipline), or None."""
    aid = world.ids[i]
    for cid, actor in scenario.actors.items():
        if actor.kind == "coalition" and aid in actor.members and not actor.un_member:
            return world.index[cid]
    return None


def choice(scenario: Scenario, world: World, i: int, t: int, vote: Vote | None = None) -> tuple[str, str, str]:
    """(choice, action item, reason) of actor i on a resolution against t (docs/THEORIES.md, UN votes).

    The score is i's affinity to t less the pull of its reputation concern. With bloc discipline a
    member of a coalition that has no UN seat takes the coalition's score instead; the resolution's
    kind then shifts the score (``un.kind_shift``): i votes against above ``un.against_above``,
    for below ``un.for_below``, and abstains in between.
    """
    w, u = world, scenario.un
    if i == t:
        return "against", "vote_for", "the resolution condemns it"
    kind = vote.kind if vote is not None else "condemnation"
    name, rep = prose_name(w.names[t]), w.reputation[i]
    aff = w.affinity[i, t]
    score = aff - u.reputation_weight * rep
    ties = f"affinity {aff:+.2f}"
    seat = coalition_seat(scenario, w, i) if u.bloc_discipline else None
    if seat is not None:
        aff = w.affinity[seat, t]
        score = aff - u.reputation_weight * w.reputation[seat]
        ties = f"it votes the line of {prose_name(w.names[seat])}, whose affinity is {aff:+.2f}"
    shift = u.kind_shift.get(kind, 0.0)
    score += shift
    asked = f"; the resolution {KIND_PHRASE[kind]} {name}" if shift else ""
    standing = f" and it cares about its standing (reputation concern {rep:.1f})" if rep >= u.standing_above else ""
    if score > u.against_above:
        return "against", "vote_for", f"it is close to {name} ({ties}){asked}"
    if score < u.for_below:
        return "for", "vote_against", f"its ties to {name} are weak ({ties}){standing}{asked}"
    return "abstain", "abstain", (f"it wants to keep its ties to {name} ({ties}) "
                                  f"without openly backing it{standing}{asked}")


def hold(scenario: Scenario, world: World, vid: str, v: Vote, month: str,
         intents: dict[tuple[str, str], tuple[str, str, str]] | None = None) -> tuple[list[Action], dict]:
    """Hold vote `vid`: each voter's diplomatic action, and the result record.

    A team's vote intention, ``intents[(actor, condemned)] = (choice, item, reason)``, takes the
    place of its country's own choice. On the Security Council a permanent member voting
    against vetoes it; elsewhere the resolution is adopted when more vote for than against."""
    intents = intents or {}
    w = world
    t = w.index[v.condemns]
    result: dict[str, list[str]] = {"for": [], "against": [], "abstain": []}
    acts = []
    voters = [w.index[a] for a in v.members] if v.members else np.flatnonzero(w.un_member)
    for i in voters:
        side, item, why = intents.get((w.ids[i], w.ids[t])) or choice(scenario, w, i, t, v)
        result[side].append(w.ids[i])
        acts.append(Action(step=w.step, date=month, actor=w.ids[i], target=w.ids[t], kind="diplomatic",
                           item=item, detail=v.title, reason=why, source=f"vote:{vid}"))
    vetoed = [a for a in result["against"] if v.body == "security_council" and w.veto[w.index[a]]]
    for a in vetoed:
        acts.append(Action(step=w.step, date=month, actor=a, target=w.ids[t], kind="diplomatic",
                           item="veto", detail=v.title, source=f"vote:{vid}",
                           reason=f"it is a permanent member close to {prose_name(w.names[t])}"))
    record = {"id": vid, "title": v.title, "step": w.step, "date": month, "condemns": v.condemns, "body": v.body,
              **result, "adopted": not vetoed and len(result["for"]) > len(result["against"]),
              "vetoed_by": vetoed, "record": {k: list(x) for k, x in v.record.items()}}
    return acts, record


def due(scenario: Scenario, step: int) -> list[tuple[str, Vote]]:
    """The votes held at `step`, in file order."""
    return [(vid, v) for vid, v in scenario.votes.items() if scenario.when(v) == step]


def record_check(vote: dict) -> dict:
    """How a vote held in the model compares with ``vote['record']``.

    Returns ``compared`` (actors that voted in the model and appear in the record),
    ``matches`` (how many of them voted as on record) and ``differs``: one
    ``{"actor", "model", "record"}`` per actor that voted otherwise. Actors missing from
    the record are not compared.
    """
    on_record = {a: side for side in CHOICES for a in vote.get("record", {}).get(side, [])}
    compared, differs = 0, []
    for side in CHOICES:
        for actor in vote.get(side, []):
            if actor in on_record:
                compared += 1
                if on_record[actor] != side:
                    differs.append({"actor": actor, "model": side, "record": on_record[actor]})
    return {"compared": compared, "matches": compared - len(differs), "differs": differs}


def outcome(vote: dict) -> str:
    """'adopted', 'vetoed by X, Y' or 'not adopted'."""
    if vote.get("vetoed_by"):
        return "vetoed by " + ", ".join(vote["vetoed_by"])
    return "adopted" if vote.get("adopted") else "not adopted"

