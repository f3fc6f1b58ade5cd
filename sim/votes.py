"""UN votes: who votes how, vetoes, and how a vote held in a run compares with the record."""

from __future__ import annotations

import numpy as np

from sim.actions import Action, prose_name
from sim.scenario.schema import Scenario, UNConfig, Vote
from sim.world import World

CHOICES = ("for", "against", "abstain")


def choice(world: World, un: UNConfig, i: int, t: int) -> tuple[str, str, str]:
    """(choice, action item, reason) of actor i on a resolution condemning t (README: UN votes).

    Its affinity to t, lowered by its reputation concern, decides: close friends vote against,
    distant ones for, the rest abstain."""
    w = world
    if i == t:
        return "against", "vote_for", "the resolution condemns it"
    score = w.affinity[i, t] - un.reputation_weight * w.reputation[i]
    name, aff, rep = prose_name(w.names[t]), w.affinity[i, t], w.reputation[i]
    standing = f" and it cares about its standing (reputation concern {rep:.1f})" if rep >= un.standing_above else ""
    if score > un.against_above:
        return "against", "vote_for", f"it is close to {name} (affinity {aff:+.2f})"
    if score < un.for_below:
        return "for", "vote_against", f"its ties to {name} are weak (affinity {aff:+.2f}){standing}"
    return "abstain", "abstain", (f"it wants to keep its ties to {name} (affinity {aff:+.2f}) "
                                  f"without openly backing it{standing}")


def hold(world: World, vid: str, v: Vote, un: UNConfig, month: str) -> tuple[list[Action], dict]:
    """Hold vote `vid`: each voter's diplomatic action, and the result record.

    On the Security Council a permanent member voting against vetoes it; elsewhere the
    resolution is adopted when more vote for than against."""
    w = world
    t = w.index[v.condemns]
    result: dict[str, list[str]] = {"for": [], "against": [], "abstain": []}
    acts = []
    voters = [w.index[a] for a in v.members] if v.members else np.flatnonzero(w.un_member)
    for i in voters:
        side, item, why = choice(w, un, i, t)
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
