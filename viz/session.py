"""One browser page's run: a lock and a snapshot publisher over a `sim.timeline.Run`.

A `Session` belongs to exactly one page (the dashboard keeps it in page state), so two
browsers never share a run. The run (model, inputs, replay) is a `Run`; the session adds
the page's settings, the pinned comparison and `Frame` snapshots. Every mutation takes
the session's lock, and views read only frames, which are copies: a step running in a
background thread never changes what a view is drawing. Every user mistake comes back as
message strings; nothing here raises on bad input.
"""

from __future__ import annotations

import copy
import io
import itertools
import json
import threading
import traceback
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from sim.errors import UserError
from sim.game.views import PRIVATE_FIELDS, PRIVATE_SERIES, PUBLIC_SUMMARY, Sight
from sim.model import BlocModel
from sim.scenario import (MISSING, Scenario, load_scenario, parse_assignment, parse_scenario, run_size_problem,
                          shipped_scenarios, unknown, value_at)
from sim.timeline import InjectAction, InjectEvent, Input, Run
from sim.world import ITEM, World
from viz.layout import affinity_layout

MAX_SEED = 2**32 - 1
MAX_STEPS = 1200  # the scenario schema's own limit
from sim.scenario.yamlio import MAX_FILE_BYTES as MAX_UPLOAD_BYTES  # the loader's own limit


class _ActorTables:
    """Per-actor series pivoted once per run snapshot."""

    agent_series: pd.DataFrame

    def actor_table(self, variable: str) -> pd.DataFrame:
        """One per-actor variable as a table: a row per step, a column per actor (cached)."""
        cache = self.__dict__.setdefault("_tables", {})
        if variable not in cache:
            a = self.agent_series
            if a.empty or variable not in a.columns:
                cache[variable] = pd.DataFrame()
            else:
                cache[variable] = a.drop_duplicates(["step", "actor"], keep="last").pivot(
                    index="step", columns="actor", values=variable)
        return cache[variable]


@dataclass(frozen=True, eq=False)
class Frame(_ActorTables):
    """What every view needs to draw one moment of a run, detached from the live model.

    Frames compare by identity: a new frame is a new moment.
    """

    revision: int
    step: int
    steps: int
    date: str
    scenario: str
    source: str
    seed: int | None       # None for a sight that is not told it (`Sight.sees_seed`)
    rule: str
    rule_title: str
    rule_citation: str
    ids: list[str]
    names: list[str]
    doctrine: list[str]          # the doctrine each actor decides by now (after any switch)
    power: np.ndarray
    affinity: np.ndarray
    bloc: np.ndarray            # bloc index per actor, -1 when not aligned
    lean: np.ndarray
    arms: np.ndarray            # (n, n, K) delivered in the last step
    aid: np.ndarray             # (n, n) $bn in the last step
    covert: np.ndarray          # (n, n) $bn of dual-use trade in the last step
    sanctions: np.ndarray       # (n, n) sender row -> target column
    pressure: np.ndarray        # (n,)
    stocks: np.ndarray          # (n, K)
    production: np.ndarray      # (n, K)
    reserves: np.ndarray
    frozen: np.ndarray
    economy: np.ndarray
    summary: dict
    series: pd.DataFrame
    agent_series: pd.DataFrame
    events: list[dict]
    positions: np.ndarray       # (n, 2) network layout, continued from the previous frame
    theaters: list[str]
    scheduled: list[dict]       # the scenario's events: id, description, when, enabled
    vote_schedule: list[dict]   # the scenario's UN votes: id, title, body, when (step), date
    overrides: dict = field(default_factory=dict)  # the run's --set values: path -> value
    poles: dict = field(default_factory=dict)      # the scenario's poles: side -> leader ids
    months: list = field(default_factory=list)     # month of each step 0..steps ("2022-02")
    pinned: "Pinned | None" = None
    world: World | None = None  # a copy of the world's arrays and running totals (the inspector's actor cards)
    needs: np.ndarray | None = None  # (n, K) units each belligerent lacks (BlocModel.needs)
    cards: dict = field(default_factory=dict)  # a fogged frame's inspector cards (it has no world): id -> card
    sight: Sight | None = None  # who may see what (sim.game.views); None: everything

    @property
    def n(self) -> int:
        return len(self.ids)

    @property
    def at_end(self) -> bool:
        return self.step >= self.steps

    def memo(self, key, build):
        """`build()`, computed once per frame and key: the pages drawing one shared frame share it."""
        cache = self.__dict__.setdefault("_memo", {})
        if key not in cache:
            cache[key] = build()
        return cache[key]

    def name_of(self, actor_id: str) -> str:
        """Display name of an actor id."""
        try:
            return self.names[self.ids.index(actor_id)]
        except ValueError:
            return actor_id


@dataclass(frozen=True, eq=False)
class Pinned(_ActorTables):
    """A run kept for comparison: its label and indicator series."""

    label: str
    series: pd.DataFrame
    agent_series: pd.DataFrame


@dataclass
class Settings:
    """What the user set: scenario source, seed, steps, rule and dotted overrides."""

    scenario_name: str | None = None           # a shipped scenario, or None for an upload
    upload_name: str | None = None
    upload_text: str | None = None
    seed: int = 0
    steps: int | None = None                   # None: the scenario's own
    rule: str | None = None                    # None: the scenario's own
    overrides: dict[str, Any] = field(default_factory=dict)


def error_lines(exc: BaseException) -> list[str]:
    """Messages for the page: a UserError's own lines, or one line for anything else."""
    if isinstance(exc, UserError):
        return list(exc.messages) or [str(exc)]
    return [f"internal error: {type(exc).__name__}: {exc}"]


def alignment_rules() -> dict[str, tuple[str, str]]:
    """Registered alignment rules: name -> (title, citation)."""
    from sim.alignment import RULES

    return {name: (getattr(cls, "title", name), getattr(cls, "citation", "")) for name, cls in RULES.items()}


class Session:
    """A page's run. All public methods return messages instead of raising on bad input."""

    def __init__(self, scenario: str | None = None):
        self.lock = threading.RLock()
        self.settings = Settings()
        self.run: Run | None = None
        self.pinned: Pinned | None = None
        self.revision = 0
        self._log = EventRows()
        self._frame: Frame | None = None
        self._positions: np.ndarray | None = None
        ships = shipped_scenarios()
        default = scenario or (ships[0].name if ships else None)
        from sim.scenario import DEFAULT_SCENARIO
        if scenario is None and any(s.name == DEFAULT_SCENARIO for s in ships):
            default = DEFAULT_SCENARIO
        self.startup_errors = self.load_shipped(default) if default else ["no shipped scenarios found"]

    @property
    def scenario(self) -> Scenario | None:
        return self.run.scenario if self.run else None

    @property
    def model(self) -> BlocModel | None:
        return self.run.model if self.run else None

    # ------------------------------------------------------------ loading
    def load_shipped(self, name_or_path: str) -> list[str]:
        """Switch to a shipped scenario (or a path). Returns error messages, empty on success."""
        with self.lock:
            candidate = Settings(scenario_name=str(name_or_path), seed=self.settings.seed)
            return self._rebuild(candidate)

    def load_upload(self, filename: str, text: str | None, size: int = 0) -> list[str]:
        """Switch to an uploaded scenario. On error the current run stays as it was."""
        if text is None:
            if size > MAX_UPLOAD_BYTES:
                return [f"{filename}: the file is {size:,} bytes; a scenario must be under {MAX_UPLOAD_BYTES:,} bytes"]
            return [f"{filename}: could not read the file (a UTF-8 text YAML file)"]
        if len(text.encode("utf-8", "replace")) > MAX_UPLOAD_BYTES:
            return [f"{filename}: the file is too large; a scenario must be under {MAX_UPLOAD_BYTES:,} bytes"]
        bad = next((i for i, ch in enumerate(text) if ch == "\ufffd" or (ord(ch) < 32 and ch not in "\t\n\r")), None)
        if bad is not None:
            line = text.count("\n", 0, bad) + 1
            return [f"{filename}:{line}: the file holds binary data, not text (a UTF-8 YAML scenario file)"]
        with self.lock:
            candidate = Settings(upload_name=filename or "upload.yaml", upload_text=text, seed=self.settings.seed)
            return self._rebuild(candidate)

    def configure(self, seed: Any = None, steps: Any = None, rule: str | None = None,
                  overrides: dict[str, Any] | None = None) -> list[str]:
        """Change seed, number of steps, alignment rule or overrides, then restart the run."""
        errors = []
        new = Settings(**{**self.settings.__dict__, "overrides": dict(self.settings.overrides)})
        if seed is not None:
            new.seed = _whole(seed, 0, MAX_SEED)
            if new.seed is None:
                errors.append(f"seed: got {seed!r} (a whole number from 0 to {MAX_SEED})")
        if steps is not None:
            new.steps = _whole(steps, 1, MAX_STEPS)
            if new.steps is None:
                errors.append(f"steps: got {steps!r} (a whole number of months from 1 to {MAX_STEPS})")
            elif self.run is not None and (too_big := run_size_problem(len(self.run.scenario.actors), new.steps)):
                errors.append(f"steps: {too_big}")
        if rule is not None:
            rules = alignment_rules()
            if rule not in rules:
                errors.append(f"alignment rule: {unknown('rule', rule, rules)}")
            else:
                new.rule = rule
        if overrides is not None:
            new.overrides = dict(overrides)
        if errors:
            return errors
        with self.lock:
            return self._rebuild(new)

    def _build_scenario(self, st: Settings) -> Scenario:
        overrides = dict(st.overrides)
        if st.steps is not None:
            overrides["steps"] = st.steps
        if st.upload_text is not None:
            return parse_scenario(st.upload_text, st.upload_name or "<upload>", overrides or None)
        return load_scenario(st.scenario_name, overrides=overrides or None)

    def _rebuild(self, st: Settings) -> list[str]:
        try:
            scn = self._build_scenario(st)
            run = Run(scn, seed=st.seed, alignment=st.rule)
        except Exception as exc:  # noqa: BLE001 - every failure becomes a message in the page
            if isinstance(exc, UserError):
                return error_lines(exc)
            traceback.print_exc()
            return [f"{st.upload_name or st.scenario_name}: {line}" for line in error_lines(exc)]
        self.settings, self.run = st, run
        self._positions = None
        self._publish()
        return []

    def reset(self) -> list[str]:
        """Start the current scenario again from step 0 with the same settings."""
        with self.lock:
            return self._rebuild(self.settings)

    # ------------------------------------------------------------ running
    def step(self, n: int = 1) -> list[str]:
        """Advance up to ``n`` months; a message when the run is already at its end."""
        with self.lock:
            if self.run is None:
                return ["no scenario is loaded"]
            if self.run.at_end:
                return [f"the run has reached its last step ({self.run.steps}); reset, or set more steps"]
            try:
                self.run.step(n)
            except Exception as exc:  # noqa: BLE001
                if not isinstance(exc, UserError):
                    traceback.print_exc()
                self._publish()
                return error_lines(exc)
            self._publish()
            return []

    def key_parameters(self) -> list[dict]:
        """The scenario's dials with their values in the current run (overrides included)."""
        if self.scenario is None:
            return []
        out = []
        for k in self.scenario.key_parameters:
            value = value_at(self.scenario, k.path)
            if value is MISSING:
                continue
            step = k.step or (((k.max - k.min) / 100) if k.max is not None and k.min is not None else None)
            out.append({"path": k.path, "label": k.label or k.path, "min": k.min, "max": k.max, "step": step,
                        "value": value})
        return out

    @property
    def current_step(self) -> int:
        return self.run.now if self.run else 0

    def inject_event(self, event_id: str) -> list[str]:
        """Queue one of the scenario's events to apply at the next step."""
        return self._give(InjectEvent(event_id))

    def inject_action(self, kind: str, actor: str, target: str, item: str | None, amount: Any) -> list[str]:
        """Queue a composed action (actor does kind to target) for the next step."""
        from sim.actions import ACTION_KINDS
        from sim.scenario.schema import ActionSpec

        try:
            value = float(amount)
            if not np.isfinite(value) or value < 0 or value > 1e9:
                raise ValueError
        except (TypeError, ValueError):
            return [f"amount: got {amount!r} (a number from 0 to 1e9)"]
        kind_cls = ACTION_KINDS.get(kind)
        spec = ActionSpec(kind=str(kind), actor=str(actor), target=str(target), amount=value,
                          item=item if kind_cls is not None and kind_cls.items else None,
                          reason="a facilitator injected it")
        return self._give(InjectAction(spec))

    def _give(self, given: Input) -> list[str]:
        with self.lock:
            if self.run is None:
                return ["no scenario is loaded"]
            problem = self.run.problem(given)
            if problem:
                return [problem]
            self.run.give(given)
            return []

    def rewind(self, to_step: int) -> list[str]:
        """Go back to month ``to_step`` of this run, to try another branch from there.

        The run branches at that month: the months up to it are exactly as they were, with
        the injects made before it; injects made later are dropped (they belonged to the
        branch being left)."""
        with self.lock:
            if self.run is None:
                return ["no scenario is loaded"]
            now = self.current_step
            if not 0 <= int(to_step) < now:
                return [f"back: the run is at step {now}; it can go back to a step from 0 to {max(now - 1, 0)}"]
            try:
                self.run = self.run.branch(int(to_step))
            except Exception as exc:  # noqa: BLE001
                traceback.print_exc()
                return error_lines(exc)
            self._publish()
            return []

    def pin(self) -> list[str]:
        """Keep the current run's series to compare the next run against."""
        with self.lock:
            f = self.frame()
            if f is None:
                return ["no run to pin"]
            label = f"{f.scenario} seed {f.seed} to step {f.step}"
            self.pinned = Pinned(label, f.series.copy(), f.agent_series.copy())
            self._publish()
            return []

    def unpin(self) -> None:
        """Stop comparing."""
        with self.lock:
            self.pinned = None
            self._publish()

    # ------------------------------------------------------------ snapshots
    def frame(self) -> Frame | None:
        """The latest snapshot (no lock needed: snapshots are replaced, never changed)."""
        return self._frame

    def _publish(self) -> None:
        self.revision += 1
        self._frame = self._snapshot()

    def _snapshot(self) -> Frame:
        self._positions = affinity_layout(self.model.world.affinity, self._positions)
        return build_frame(self.model, revision=self.revision, log=self._log, positions=self._positions,
                           source=self.settings.upload_name or self.settings.scenario_name or "",
                           rule=self.settings.rule, overrides=self.settings.overrides, pinned=self.pinned)

    # ------------------------------------------------------------ exports
    def series_csv(self) -> str:
        """The current run's model-level series and per-actor series as one CSV."""
        f = self.frame()
        if f is None:
            return ""
        buf = io.StringIO()
        f.series.to_csv(buf, index=False)
        return buf.getvalue()

    def agents_csv(self) -> str:
        """Per-actor series (long format) as CSV."""
        f = self.frame()
        buf = io.StringIO()
        if f is not None:
            f.agent_series.to_csv(buf, index=False)
        return buf.getvalue()

    def review_md(self) -> str:
        """The after-action review of the run so far (Markdown): settings, the facilitator's
        injects, where the world ended, who moved and the largest flows."""
        from sim.review import after_action_review

        with self.lock:
            return after_action_review(self.model, self.settings.overrides) if self.model is not None else ""

    def events_jsonl(self) -> str:
        """The event log, one JSON object per line."""
        with self.lock:
            if self.model is None:
                return ""
            log = self.model.events
            rows = log.to_dicts() if hasattr(log, "to_dicts") else self._log.rows(self.model)
            return "".join(json.dumps(r, ensure_ascii=False, default=str) + "\n" for r in rows)


def actor_names(model) -> dict[str, str]:
    """Display name of each of the model's actors."""
    return {a: model.spec.actors[a].name if a in model.spec.actors else a for a in model.world.ids}


class EventRows:
    """The display rows of a model's event log as a `Sight` reads it (None: everything), each move turned
    into a row once: the rows grow with the log and start again for another model (a new run or branch)."""

    def __init__(self, sight: Sight | None = None):
        self.sight = sight
        self._model = None
        self._seen = 0
        self._rows: list[dict] = []

    def rows(self, model) -> list[dict]:
        """The rows of `model`'s log so far, oldest first (a new list; the rows are shared: read them only)."""
        log = model.events
        if model is not self._model or len(log) < self._seen:
            self._model, self._seen, self._rows = model, 0, []
        names, sight = actor_names(model), self.sight
        for a in itertools.islice(log, self._seen, None):
            if sight is None:
                self._rows.append(event_row(a, names))
            elif sight.sees(a):
                self._rows.append(event_row(sight.told(a), names))
        self._seen = len(log)
        return list(self._rows)


def build_frame(model: BlocModel, *, revision: int, log: EventRows, positions: np.ndarray, source: str = "",
                rule: str | None = None, overrides: dict | None = None, pinned: "Pinned | None" = None) -> Frame:
    """The `Frame` of `model` now, as `log.sight` may see it (the dashboard's and the workshop's one builder).

    Without a sight the frame holds everything (a copy of the world for the inspector). With one, the
    rules of `sim.game.views` apply: the private fields and per-actor series of the actors it may not see
    are blank (NaN), the flows and the event log hold only the moves it sees, the summary only its public
    part, and the inspector's cards are precomputed (full for the actors it sees, public for the rest)."""
    scn, w = model.spec, model.world
    sight = log.sight
    summary = model.summary()
    step = int(w.step)
    rule = summary.get("alignment_rule") or rule or scn.alignment.rule
    title, citation = alignment_rules().get(str(rule), (str(rule), ""))
    ids = list(w.ids)
    names = actor_names(model)
    in_force = {agent.actor_id: agent.doctrine.name for agent in model.agents}  # after any switch
    fields = dict(
        revision=revision, step=step, steps=scn.steps, date=scn.step_to_month(step),
        scenario=scn.name, source=source, seed=model.seed if sight is None or sight.sees_seed else None,
        rule=str(rule), rule_title=title, rule_citation=citation,
        ids=ids, names=[names[a] for a in ids], doctrine=[in_force[a] for a in ids],
        power=np.array(w.power, dtype=float), affinity=w.affinity.copy(),
        bloc=bloc_labels(summary, ids), lean=lean_values(summary, ids),
        arms=w.arms_flow.copy(), aid=w.aid_flow.copy(), covert=w.covert_flow.copy(),
        sanctions=w.sanctions.copy(), pressure=np.array(w.sanction_pressure, dtype=float),
        stocks=w.stocks.copy(), production=w.production.copy(), reserves=w.reserves.copy(),
        frozen=w.frozen.copy(), economy=np.array(w.economy, dtype=float),
        summary=summary, series=model.series(), agent_series=model.agent_series(),
        events=log.rows(model), positions=positions, theaters=list(scn.theaters),
        scheduled=[{"id": eid, "description": e.description, "enabled": e.enabled,
                    "when": scn.when(e) if (e.step is not None or e.date) else None}
                   for eid, e in scn.events.items()],
        vote_schedule=[{"id": vid, "title": v.title, "body": v.body, "when": scn.when(v),
                        "date": scn.step_to_month(scn.when(v))} for vid, v in scn.votes.items()],
        pinned=pinned, overrides=dict(overrides or {}), needs=model.needs(),
        poles={k: list(v) for k, v in scn.poles.items()},
        months=[scn.step_to_month(k) for k in range(scn.steps + 1)],
    )
    if sight is None or sight.everything:
        return Frame(**fields, world=copy.deepcopy(w))
    return Frame(**_fogged(fields, model, sight))


FLOW_KINDS = {"arms_transfer": "arms", "economic_support": "aid", "dual_use_trade": "covert"}


def _fogged(fields: dict, model: BlocModel, sight: Sight) -> dict:
    """The frame's fields as `sight` may see them (see `build_frame`)."""
    from sim.cards import actor_card, public_card

    ids, w, step = fields["ids"], model.world, fields["step"]
    hidden = np.array([not sight.sees_private(a) for a in ids])
    for name in PRIVATE_FIELDS:
        value = fields[name]
        if isinstance(value, list):
            fields[name] = [v if not h else "" for v, h in zip(value, hidden)]
        else:
            value = value.astype(float)
            value[hidden] = np.nan
            fields[name] = value
    # the flows, from the moves it sees (last month's matrices, and each month's totals in the series)
    index = w.index
    flows = {"arms": np.zeros_like(w.arms_flow), "aid": np.zeros_like(w.aid_flow), "covert": np.zeros_like(w.covert_flow)}
    series = fields["series"].copy()
    totals = {c: np.zeros(len(series)) for c in series.columns if c.startswith("arms_") or c in ("aid_bn", "covert_bn")}
    row_of = {int(s): k for k, s in enumerate(series["step"])} if "step" in series else {}
    for a in model.events:
        kind = FLOW_KINDS.get(a.kind)
        if kind is None or a.blocked or not sight.sees(a):
            continue
        amount = float(a.delivered if a.delivered is not None else a.amount)
        column = f"arms_{a.item}" if kind == "arms" else f"{kind}_bn"
        if column in totals and a.step in row_of:
            totals[column][row_of[a.step]] += amount
        if a.step == step:
            s, d = index[a.actor], index[a.target]
            if kind == "arms":
                flows["arms"][s, d, ITEM[a.item]] += amount
            else:
                flows[kind][s, d] += amount
    for column, values in totals.items():
        series[column] = values
    agents = fields["agent_series"].copy()
    if not agents.empty:
        unseen = ~agents["actor"].map(sight.sees_private).astype(bool)
        for column in PRIVATE_SERIES:
            if column in agents.columns:
                agents[column] = agents[column].astype(float).mask(unseen)
    i_of = {a: i for i, a in enumerate(ids)}
    cards = {}
    for a in ids:
        i = i_of[a]
        if sight.sees_private(a):
            cards[a] = actor_card(w, a, lean=fields["lean"][i], doctrine=fields["doctrine"][i],
                                  needs=fields["needs"][i])
        else:
            cards[a] = public_card(a, ids, fields["names"], affinity=fields["affinity"], sanctions=fields["sanctions"],
                                   arms=flows["arms"], aid=flows["aid"], power=fields["power"],
                                   economy=fields["economy"], pressure=fields["pressure"], lean=fields["lean"])
    return {**fields, **flows, "series": series, "agent_series": agents, "cards": cards, "sight": sight,
            "summary": {k: v for k, v in fields["summary"].items() if k in PUBLIC_SUMMARY},
            "scheduled": [], "overrides": {}, "pinned": None}


def event_row(a, names: dict[str, str]) -> dict:
    """A display row for one Action: step, actor, kind, target, source and its sentence."""
    try:
        sentence = a.sentence(names)
    except Exception as exc:  # noqa: BLE001 - a bad record must not blank the log
        sentence = f"{a.actor} {a.kind} {a.target} (could not describe: {exc})"
    return {"step": int(a.step), "actor": a.actor, "target": a.target, "kind": a.kind,
            "source": getattr(a, "source", ""), "sentence": sentence}


def bloc_labels(summary: dict, ids: list[str]) -> np.ndarray:
    """Bloc index per actor from ``summary['blocs']`` (-1 for non-aligned)."""
    out = np.full(len(ids), -1)
    index = {a: i for i, a in enumerate(ids)}
    blocs = summary.get("blocs") or []
    if isinstance(blocs, dict):
        blocs = list(blocs.values())
    for b, members in enumerate(blocs):
        if isinstance(members, dict):
            members = members.get("members", [])
        for a in members:
            if a in index:
                out[index[a]] = b
    return out


def lean_values(summary: dict, ids: list[str]) -> np.ndarray:
    """Each actor's lean (negative: US-led pole, positive: Russia/China pole)."""
    lean = summary.get("lean") or {}
    return np.array([float(lean.get(a, 0.0)) for a in ids])


__all__ = ["Session", "Frame", "Pinned", "Settings", "EventRows", "build_frame", "alignment_rules", "parse_overrides"]


def _whole(value: Any, low: int, high: int) -> int | None:
    """``value`` as a whole number in [low, high], or None."""
    try:
        n = int(value)
    except (TypeError, ValueError):
        return None
    return n if low <= n <= high else None


def parse_overrides(text: str) -> tuple[dict[str, Any], list[str]]:
    """Lines ``dotted.path = value`` (value read as YAML) -> overrides and error messages."""
    out: dict[str, Any] = {}
    errors = []
    for n, raw in enumerate((text or "").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        try:
            path, value = parse_assignment(line)
        except ValueError as exc:
            errors.append(f"overrides line {n}: {line!r}: {exc}")
            continue
        out[path] = value
    return out, errors


def format_value(value: Any) -> str:
    """A dial's value as an override line writes it (true/false, or a short number)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return f"{float(value):.6g}"


def set_override_line(text: str, path: str, value: Any) -> str:
    """The overrides text with ``path = value`` replacing that path's line, or added at the end."""
    line = f"{path} = {format_value(value)}"
    lines = (text or "").splitlines()
    for k, raw in enumerate(lines):
        if raw.partition("=")[0].strip() == path:
            lines[k] = line
            return "\n".join(lines)
    return "\n".join([*[x for x in lines if x.strip()], line])
