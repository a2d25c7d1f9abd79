"""Backups of the database while the app runs: SQLite's online backup, or pg_dump for PostgreSQL."""
from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import make_url


class BackupError(Exception):
    """A backup or restore that could not be done; the message says why."""


def _sqlite_path(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up")
    return Path(database)


def _libpq_url(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def backup(database_url: str, target: Path) -> Path:
    """Write a consistent copy of the database to `target`, safe while the app is serving."""
    target.parent.mkdir(parents=True, exist_ok=True)
    backend = make_url(database_url).get_backend_name()
    if backend == "sqlite":
        source = sqlite3.connect(_sqlite_path(database_url))
        destination = sqlite3.connect(target)
        try:
            with destination:
                source.backup(destination)  # page by page, consistent even with writers (WAL)
        finally:
            destination.close()
            source.close()
        return target
    if backend == "postgresql":
        _require("pg_dump")
        _run(["pg_dump", "--format=custom", "--no-owner", f"--file={target}", _libpq_url(database_url)])
        return target
    raise BackupError(f"backups of {backend} databases are not supported")


def restore(database_url: str, source: Path) -> None:
    """Replace the database's contents with a backup made by backup()."""
    if not source.is_file():
        raise BackupError(f"no backup file at {source}")
    backend = make_url(database_url).get_backend_name()
    if backend == "sqlite":
        backup_db = sqlite3.connect(source)
        try:
            backup_db.execute("PRAGMA schema_version").fetchone()  # refuses a file that is not SQLite
            live = sqlite3.connect(_sqlite_path(database_url))
            try:
                with live:
                    backup_db.backup(live)
            finally:
                live.close()
        except sqlite3.DatabaseError as error:
            raise BackupError(f"{source} is not an SQLite backup: {error}") from error
        finally:
            backup_db.close()
        return
    if backend == "postgresql":
        _require("pg_restore")
        _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction",
              f"--dbname={_libpq_url(database_url)}", str(source)])
        return
    raise BackupError(f"restoring {backend} databases is not supported")


def _require(program: str) -> None:
    if shutil.which(program) is None:
        raise BackupError(f"{program} is not installed (Debian: apt-get install postgresql-client)")


def _run(command: list[str]) -> None:
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(result.stderr.strip() or f"{command[0]} failed")
