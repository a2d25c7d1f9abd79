"""Command-line commands: `flask --app app banks ...`, `session create`, `demo`."""
from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import select

from assessment.bank_workbook import bank_to_workbook, bank_yaml, workbook_problems
from assessment.banks import BankError, bank_paths, banks_folder, load_bank, load_banks
from assessment.extensions import db
from assessment.models import Programme

banks_cli = AppGroup("banks", help="Check, list and show question banks.")
session_cli = AppGroup("session", help="Create review sessions.")
facilitator_cli = AppGroup("facilitator", help="Facilitator accounts.")


def public_url(path: str) -> str:
    base = current_app.config.get("PUBLIC_URL") or "http://127.0.0.1:5000"
    return f"{base}{path}"


@banks_cli.command("check")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
def banks_check(paths: tuple[Path, ...]) -> None:
    """Validate bank files (default: every bank in question_banks/). Exit 1 on any error."""
    files: list[Path] = []
    for path in paths or (banks_folder(),):
        files.extend(bank_paths(path) if path.is_dir() else [path])
    if not files:
        click.echo("No bank files found.", err=True)
        sys.exit(1)
    failed = 0
    for path in files:
        try:
            bank = load_bank(path)
        except BankError as error:
            failed += 1
            for problem in error.problems:
                click.echo(f"ERROR {problem}", err=True)
            continue
        click.echo(f"ok    {path.name}: {bank.id} {bank.version}, {len(bank.sections)} sections, "
                   f"{len(bank.questions)} questions, {len(bank.indicators)} indicators")
    if failed:
        click.echo(f"{failed} of {len(files)} bank file(s) have errors.", err=True)
        sys.exit(1)


@banks_cli.command("list")
def banks_list() -> None:
    """The shipped banks: id, version, kind and title."""
    banks, problems = load_banks()
    for bank in banks.values():
        click.echo(f"{bank.id:<12} {bank.version:<10} {bank.kind:<16} {bank.title.nb}")
    for problem in problems:
        click.echo(f"ERROR {problem}", err=True)


@banks_cli.command("export-xlsx")
@click.argument("bank_id")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="The workbook to write (default: ID.xlsx in the current folder).")
def banks_export_xlsx(bank_id: str, output: Path | None) -> None:
    """Write a bank as its workbook (sheets settings, survey, choices, scales, groups, weights)."""
    banks, _problems = load_banks()
    bank = banks.get(bank_id)
    if bank is None:
        raise click.ClickException(f"no bank with id '{bank_id}'; try 'banks list'")
    output = output or Path(f"{bank_id}.xlsx")
    output.write_bytes(bank_to_workbook(bank.snapshot))
    click.echo(f"wrote {output}: {bank.id} {bank.version}")


@banks_cli.command("import-xlsx")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="The YAML file to write (default: the bank as YAML on standard output).")
def banks_import_xlsx(path: Path, output: Path | None) -> None:
    """Read a bank workbook, report every problem with its cell, and write the bank as YAML."""
    data, problems = workbook_problems(path.read_bytes(), path.name)
    if problems:
        for problem in problems:
            click.echo(f"ERROR {problem}", err=True)
        click.echo(f"{len(problems)} problem(s) in {path.name}; nothing written.", err=True)
        sys.exit(1)
    text = bank_yaml(data)
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        click.echo(f"wrote {output}: {data['id']} {data['version']}", err=True)


@banks_cli.command("show")
@click.argument("bank_id")
def banks_show(bank_id: str) -> None:
    """Sections and questions of one bank."""
    banks, _problems = load_banks()
    bank = banks.get(bank_id)
    if bank is None:
        raise click.ClickException(f"no bank with id '{bank_id}'; try 'banks list'")
    click.echo(f"{bank.title.nb} / {bank.title.en} ({bank.id} {bank.version}, {bank.kind})")
    click.echo(f"hash {bank.hash}")
    for number, section in enumerate(bank.sections, start=1):
        click.echo(f"\n{number}. {section.title.nb} [{section.id}]")
        for q in section.questions:
            flags = [q.type] + (["required"] if q.required else []) + (
                [f"group={q.group}"] if q.group else []) + (
                [f"show_if {q.show_if.question} in {list(q.show_if.values)}"] if q.show_if else [])
            click.echo(f"   {q.id:<28} {', '.join(flags)}\n      {q.label.nb}")
    if bank.scoring:
        click.echo("\nweights by programme year:")
        for row in bank.scoring.weights:
            click.echo(f"   years {list(row.years)}: {row.weights}")


@session_cli.command("create")
@click.option("--bank", "bank_id", required=True, help="Bank id, e.g. psv.")
@click.option("--programme", "programme_name", required=True, help="Programme name (created if new).")
@click.option("--year", "programme_year", type=click.IntRange(1, 6), required=True,
              help="Programme year, 1-6.")
@click.option("--date", "meeting_date", type=click.DateTime(["%Y-%m-%d"]), default=None)
@click.option("--facilitator", "facilitator_email", default=None,
              help="Give this facilitator (by email) access to the programme.")
def session_create(bank_id: str, programme_name: str, programme_year: int, meeting_date,
                   facilitator_email: str | None) -> None:
    """Create a review session and print its join link."""
    from assessment.facilitators import find_facilitator, grant_access
    from assessment.programmes import create_programme, create_session

    banks, _problems = load_banks()
    if bank_id not in banks:
        raise click.ClickException(f"no bank with id '{bank_id}'; try 'banks list'")
    programme = db.session.scalar(select(Programme).filter_by(name=programme_name))
    if programme is None:
        programme = create_programme(programme_name)
    if facilitator_email:
        facilitator = find_facilitator(facilitator_email)
        if facilitator is None:
            raise click.ClickException(f"no facilitator with email {facilitator_email}")
        grant_access(programme, facilitator, owner=True)
    session = create_session(programme, banks[bank_id], programme_year,
                             meeting_date.date() if meeting_date else None)
    click.echo(f"Session {session.id} for '{programme.name}', year {programme_year}, "
               f"bank {bank_id} {session.bank_version}")
    click.echo(f"Join code: {session.join_code}")
    click.echo(f"Join link: {public_url('/join/' + session.join_code)}")


@click.command("demo")
@with_appcontext
@click.option("--reset", is_flag=True, help="Delete the demo programme first and make it anew.")
def demo_command(reset: bool) -> None:
    """Create a demo programme with two years of sessions and answers, and two more programmes with
    history for the portfolio (idempotent)."""
    from assessment.demo import (DEMO_EMAIL, DEMO_PASSWORD, DEMO_PROGRAMME, DEMO_VIEWER_EMAIL,
                                 DEMO_VIEWER_PASSWORD, create_demo, delete_demo)

    existing = db.session.scalar(select(Programme).filter_by(name=DEMO_PROGRAMME))
    if existing and not reset:
        click.echo(f"The demo programme '{DEMO_PROGRAMME}' is already there (use --reset to remake it).")
    else:
        if existing:
            delete_demo(existing)
        create_demo(today=date.today())
        existing = db.session.scalar(select(Programme).filter_by(name=DEMO_PROGRAMME))
    click.echo(f"Facilitator login: {public_url('/login')}  email {DEMO_EMAIL}  password {DEMO_PASSWORD}")
    click.echo(f"Viewer login (read-only, names hidden): email {DEMO_VIEWER_EMAIL}  "
               f"password {DEMO_VIEWER_PASSWORD}")
    click.echo(f"Portfolio of the demo's programmes over the years: {public_url('/portfolio')}")
    for session in existing.sessions:
        click.echo(f"  {session.title} (year {session.programme_year}, {session.state}): "
                   f"join code {session.join_code}  {public_url('/join/' + session.join_code)}")
        for participant in session.participants[:1]:
            click.echo(f"    a participant's link: {public_url('/p/' + participant.token)}")


@facilitator_cli.command("create")
@click.argument("email")
@click.option("--name", default="", help="The facilitator's name.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@click.option("--viewer", is_flag=True, help="A viewer account: read-only, never sees participants' names.")
@click.option("--county", "counties", multiple=True,
              help="With --viewer: may see every programme of this county (repeatable).")
def facilitator_create(email: str, name: str, password_stdin: bool, viewer: bool, counties: tuple[str, ...]) -> None:
    """Create a facilitator account, or with --viewer a read-only viewer's (the password is asked
    for, or read from stdin)."""
    from assessment.facilitators import create_facilitator, grant_county
    from assessment.errors import UserError

    if counties and not viewer:
        raise click.ClickException("--county gives read-only access: use it with --viewer.")
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        facilitator = create_facilitator(email, password, name, viewer=viewer)
        for county in counties:
            grant_county(facilitator, county)
    except UserError as error:
        raise click.ClickException(str(error.message)) from error
    click.echo(f"Created {'viewer' if viewer else 'facilitator'} {facilitator.email}"
               + (f", who sees the programmes of {', '.join(counties)}." if counties else "."))


@facilitator_cli.command("password")
@click.argument("email")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def facilitator_password(email: str, password_stdin: bool) -> None:
    """Set a facilitator's password (where the server sends no e-mail for resets); their sessions end."""
    from assessment.errors import UserError
    from assessment.facilitators import change_password, find_facilitator

    facilitator = find_facilitator(email)
    if facilitator is None:
        raise click.ClickException(f"No facilitator has the email address {email}.")
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("New password", hide_input=True, confirmation_prompt=True)
    try:
        change_password(facilitator, password)
    except UserError as error:
        raise click.ClickException(str(error.message)) from error
    click.echo(f"New password set for {facilitator.email}.")


@click.command("backup")
@click.argument("target", type=click.Path(path_type=Path), required=False)
@with_appcontext
def backup_command(target: Path | None) -> None:
    """Back up the database (safe while the app runs) to TARGET, by default instance/backups/."""
    from datetime import datetime

    from assessment.backup import BackupError, backup

    url = current_app.config["SQLALCHEMY_DATABASE_URI"]
    if target is None:
        suffix = "sqlite" if url.startswith("sqlite") else "dump"
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        target = Path(current_app.instance_path) / "backups" / f"statusvurdering-{stamp}.{suffix}"
    try:
        backup(url, target)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Backup written to {target}")


@click.command("restore")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def restore_command(source: Path, yes: bool) -> None:
    """Replace the database's contents with a backup. Stop the app servers first."""
    from assessment.backup import BackupError, restore

    if not yes:
        click.confirm(f"Replace everything in the database with {source}?", abort=True)
    db.engine.dispose()
    try:
        restore(current_app.config["SQLALCHEMY_DATABASE_URI"], source)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Restored from {source}")


@session_cli.command("delete")
@click.argument("session_id", type=int)
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def session_delete(session_id: int, yes: bool) -> None:
    """Delete a session with all its participants, answers, consensus and proposals."""
    from assessment.models import ReviewSession
    from assessment.data_care import delete_session

    session = db.session.get(ReviewSession, session_id)
    if session is None:
        raise click.ClickException(f"no session {session_id}")
    if not yes:
        click.confirm(f"Delete '{session.title}' of '{session.programme.name}' and all its data?", abort=True)
    delete_session(session)
    click.echo(f"Deleted session {session_id}.")


def register_cli(app: Flask) -> None:
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    app.cli.add_command(facilitator_cli)
    app.cli.add_command(banks_cli)
    app.cli.add_command(session_cli)
    app.cli.add_command(demo_command)
