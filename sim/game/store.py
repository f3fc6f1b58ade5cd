"""The game's event store: one SQLite file per game, an append-only log of every change.

Each entry records what happened (`kind`, JSON `data`), who did it, with which role and
when. Each append is one transaction, so a process killed at any instant leaves the file
at its last committed entry (WAL mode). The file carries an application id and a schema
version: a file that is not a blocsim game, is corrupt or comes from a newer blocsim is
refused with a clear message and never written to.
"""

from __future__ import annotations

import json
import sqlite3
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from sim.errors import UserError

APPLICATION_ID = 0x626C6F63   # "bloc"
SCHEMA_VERSION = 1
MAX_DATA_BYTES = 1_000_000    # one entry's JSON; an order or an inject is far smaller

TOKENS = """rejoin_tokens (     -- a page's token to join again after a restart, hashed; used once
    digest  TEXT PRIMARY KEY,
    role    TEXT NOT NULL,
    country TEXT,
    expires TEXT NOT NULL          -- UTC time, ISO 8601
);
"""
SCHEMA = """
CREATE TABLE log (
    seq   INTEGER PRIMARY KEY AUTOINCREMENT,
    at    TEXT NOT NULL,           -- UTC time, ISO 8601
    who   TEXT NOT NULL,           -- 'facilitator', a team's country id, 'observer' or 'unknown'
    role  TEXT NOT NULL,           -- facilitator | team | observer | system | unknown
    kind  TEXT NOT NULL,
    data  TEXT NOT NULL            -- JSON
);
CREATE TABLE credentials (         -- join codes, hashed; not part of the game's story
    digest  TEXT PRIMARY KEY,
    role    TEXT NOT NULL,
    country TEXT
);
CREATE TABLE """ + TOKENS


@dataclass(frozen=True)
class Entry:
    """One committed change."""

    seq: int
    at: str
    who: str
    role: str
    kind: str
    data: dict

    def to_dict(self) -> dict:
        return {"seq": self.seq, "at": self.at, "who": self.who, "role": self.role, "kind": self.kind,
                "data": self.data}


def utc_now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class EventStore:
    """An open game file. `create` makes a new one; `open` refuses foreign or corrupt files."""

    def __init__(self, path: Path, conn: sqlite3.Connection):
        self.path = path
        self.conn = conn

    # ------------------------------------------------------------------ opening
    @classmethod
    def create(cls, path: str | Path) -> "EventStore":
        path = Path(path)
        if path.exists():
            raise UserError(f"{path}: the file exists; a new game needs a new file (nothing was changed)")
        if not path.parent.exists():
            raise UserError(f"{path}: no folder {path.parent} (create it first)")
        try:
            conn = sqlite3.connect(f"file:{path}?mode=rwc", uri=True, isolation_level=None,
                                   check_same_thread=False)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=FULL")
            conn.executescript("BEGIN;" + SCHEMA + f"PRAGMA application_id={APPLICATION_ID};"
                               f"PRAGMA user_version={SCHEMA_VERSION};COMMIT;")
        except sqlite3.Error as exc:
            raise UserError(f"{path}: cannot create the game file ({exc})") from None
        return cls(path, conn)

    @classmethod
    def open(cls, path: str | Path) -> "EventStore":
        path = Path(path)
        if not path.is_file():
            raise UserError(f"{path}: no such game file (make one with: blocsim game new SCENARIO --db {path})")
        try:
            conn = sqlite3.connect(f"file:{path}?mode=rw", uri=True, isolation_level=None,
                                   check_same_thread=False)
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            version = conn.execute("PRAGMA user_version").fetchone()[0]
        except sqlite3.Error as exc:
            if "malformed" in str(exc):
                raise UserError(f"{path}: the game file is damaged ({exc}); nothing was changed "
                                "(restore a copy)") from None
            raise UserError(f"{path}: not a blocsim game file ({exc}); nothing was changed") from None
        if app_id != APPLICATION_ID:
            conn.close()
            raise UserError(f"{path}: not a blocsim game file (an SQLite file of another application); "
                            "nothing was changed")
        if version > SCHEMA_VERSION:
            conn.close()
            raise UserError(f"{path}: written by a newer blocsim (game file version {version}, this one reads "
                            f"up to {SCHEMA_VERSION}); nothing was changed")
        try:
            problem = conn.execute("PRAGMA quick_check").fetchone()[0]
        except sqlite3.Error as exc:
            problem = str(exc)
        if problem != "ok":
            conn.close()
            first = " ".join(problem.replace("*** in database main ***", "").split())[:160]
            raise UserError(f"{path}: the game file is damaged ({first}); nothing was changed (restore a copy)")
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute("CREATE TABLE IF NOT EXISTS " + TOKENS)   # a file from before rejoin tokens
        return cls(path, conn)

    def close(self) -> None:
        self.conn.close()

    def discard(self) -> None:
        """Close and delete a file this process has just created (its creation failed)."""
        self.conn.close()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{self.path}{suffix}").unlink(missing_ok=True)

    # ------------------------------------------------------------------ writing
    @contextmanager
    def writing(self):
        """One write transaction (BEGIN IMMEDIATE: other writers wait); entries appended inside
        it commit together, or not at all."""
        with _transaction(self.conn, immediate=True):
            yield self

    def append(self, kind: str, data: dict, who: str, role: str, at: str | None = None,
               limit: int | None = MAX_DATA_BYTES) -> Entry:
        """Append one entry (inside `writing()`, or as its own transaction)."""
        text = json.dumps(data, sort_keys=True, ensure_ascii=False, allow_nan=False)
        if limit is not None and len(text) > limit:
            raise UserError(f"{kind}: the entry is {len(text):,} bytes; at most {MAX_DATA_BYTES:,}")
        at = at or utc_now()
        with _transaction(self.conn, immediate=True):
            cur = self.conn.execute("INSERT INTO log (at, who, role, kind, data) VALUES (?, ?, ?, ?, ?)",
                                    (at, who, role, kind, text))
        return Entry(cur.lastrowid, at, who, role, kind, json.loads(text))

    def add_credential(self, digest: str, role: str, country: str | None) -> None:
        self.conn.execute("INSERT INTO credentials (digest, role, country) VALUES (?, ?, ?)", (digest, role, country))

    def add_token(self, digest: str, role: str, country: str | None, expires: str) -> None:
        self.conn.execute("INSERT INTO rejoin_tokens (digest, role, country, expires) VALUES (?, ?, ?, ?)",
                          (digest, role, country, expires))

    def take_token(self, digest: str, now: str) -> tuple[str, str | None] | None:
        """The role and country of an unexpired token, which is used up (deleted); expired ones go too."""
        with _transaction(self.conn, immediate=True):
            self.conn.execute("DELETE FROM rejoin_tokens WHERE expires <= ?", (now,))
            row = self.conn.execute("SELECT role, country FROM rejoin_tokens WHERE digest = ?", (digest,)).fetchone()
            self.conn.execute("DELETE FROM rejoin_tokens WHERE digest = ?", (digest,))
        return (row[0], row[1]) if row else None

    def revoke_tokens(self, role: str | None = None, country: str | None = None) -> int:
        """Delete the tokens of a role (and country), or all of them; how many there were."""
        where, args = ("", ()) if role is None else (" WHERE role = ? AND country IS ?", (role, country))
        return self.conn.execute("DELETE FROM rejoin_tokens" + where, args).rowcount

    # ------------------------------------------------------------------ reading
    def entries(self, after: int = 0) -> list[Entry]:
        rows = self.conn.execute("SELECT seq, at, who, role, kind, data FROM log WHERE seq > ? ORDER BY seq",
                                 (after,)).fetchall()
        out = []
        for seq, at, who, role, kind, data in rows:
            try:
                out.append(Entry(seq, at, who, role, kind, json.loads(data)))
            except json.JSONDecodeError:
                raise UserError(f"{self.path}: log entry {seq} is damaged (not JSON); nothing was changed") from None
        return out

    def credential(self, digest: str) -> tuple[str, str | None] | None:
        row = self.conn.execute("SELECT role, country FROM credentials WHERE digest = ?", (digest,)).fetchone()
        return (row[0], row[1]) if row else None


@contextmanager
def _transaction(conn: sqlite3.Connection, immediate: bool = False):
    if conn.in_transaction:  # nested: the outer transaction commits
        yield
        return
    conn.execute("BEGIN IMMEDIATE" if immediate else "BEGIN")
    try:
        yield
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
