"""The `concerto` command line."""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import signal
import subprocess
import sys
import threading
from datetime import datetime, timedelta
from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

import workflows
from engine import Engine, EngineError
from engine.worker import Worker, WorkerSettings
from handlers.mailsink import start_sink
from workflows.demo_changes import ensure_demo_proposal
from workflows.fact import calls
from workflows.fact.demo import (
    CSE_SECRETARIES,
    DEMO_PASSWORD,
    DEMO_TOUR,
    ensure_demo_call,
    ensure_demo_dossiers,
    ensure_demo_users,
)
from workflows.fact.roles import ROLES
from workflows.fact.simulation import SimulationReport, plan_extension, simulate
from workflows.french import date_fr, datetime_fr, time_fr

from . import assets

SINK_PORT = 8025
MAILDIR = workflows.PROJECT_ROOT / "instance" / "mails"


@click.group()
def main() -> None:
    """Concerto: calls for projects run end to end as BPMN processes."""


def _engine(database_url: str | None) -> Engine:
    """An engine configured from the environment (DATABASE_URL, RETRY_*, ...)."""
    settings = dict(os.environ)
    if database_url:
        settings["DATABASE_URL"] = database_url
    return workflows.build_engine(settings)


@main.command("init-db")
@click.option("--database-url", envvar="DATABASE_URL", default=None, help="SQLAlchemy URL.")
def init_db(database_url: str | None) -> None:
    """Create or upgrade the schema and deploy the FACT diagrams."""
    engine = _engine(database_url)
    try:
        engine.management.create_schema()
        for process_id, version in calls.deploy(engine).items():
            click.echo(f"{process_id}: version {version.version} ({version.checksum[:12]})")
    finally:
        engine.close()


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--database-url", envvar="DATABASE_URL", default=None, help="SQLAlchemy URL.")
def run(host: str, port: int, database_url: str | None) -> None:
    """Prepare the database, start one worker beside it and serve the web app."""
    from . import create_app

    if database_url:
        os.environ["DATABASE_URL"] = database_url
    app = create_app()
    engine = app.extensions["concerto"]
    engine.management.create_schema()
    calls.deploy(engine)
    demo = ensure_demo_users(engine)
    demo_call = ensure_demo_call(engine)
    ensure_demo_dossiers(engine)
    ensure_demo_proposal(engine)
    children = []
    worker_env = dict(os.environ)
    worker_env.setdefault("BASE_URL", f"http://{host}:{port}")  # where mails lead to
    if not os.environ.get("SMTP_HOST"):  # no mail server configured: a local sink keeps them
        children.append(subprocess.Popen([sys.executable, "-m", "web.cli", "mail-sink"]))
        worker_env.update(SMTP_HOST="127.0.0.1", SMTP_PORT=str(SINK_PORT), SMTP_SECURITY="none")
        click.echo(f"Serveur de courriel local : 127.0.0.1:{SINK_PORT} (page « Courriels »)")
    worker = subprocess.Popen([sys.executable, "-m", "web.cli", "worker"], env=worker_env)
    children.append(worker)
    click.echo(f"Concerto sur http://{host}:{port}/  (santé : http://{host}:{port}/health)")
    click.echo(f"API : http://{host}:{port}/api/docs  (OpenAPI : /api/openapi.json)")
    click.echo(f"Appel de démonstration ouvert aux dépôts : {demo_call}")
    click.echo(f"Comptes de démonstration (mot de passe : {DEMO_PASSWORD}) :")
    for username, roles in demo:
        click.echo(f"  {username:14s} {roles}")
    click.echo("Ce que chacun y trouve :")
    for username, what in DEMO_TOUR:
        click.echo(f"  {username:14s} {what}")
    click.echo(
        f"Secrétaire du CSE (sans compte) : le lien du courriel à {CSE_SECRETARIES['porteur']}"
        " (Courriels, compte mission.fact)"
    )
    click.echo(f"Worker lancé (pid {worker.pid}) ; état : concerto status")
    try:
        app.run(host=host, port=port, use_reloader=False)
    finally:
        for child in children:
            child.send_signal(signal.SIGTERM)
        for child in children:
            child.wait(timeout=30)


@main.command("build-assets")
def build_assets_command() -> None:
    """Build the pages' scripts and styles from npm packages into web/static/dist."""
    for logical, built in assets.build().items():
        click.echo(f"{logical} -> web/static/dist/{built}")


@main.command("mail-sink")
@click.option("--port", default=SINK_PORT, show_default=True, type=int)
@click.option("--maildir", default=str(MAILDIR), show_default=True, type=click.Path())
def mail_sink(port: int, maildir: str) -> None:
    """A local SMTP server keeping every mail received (development)."""
    try:
        sink = start_sink(Path(maildir), port=port)
    except OSError as exc:  # not a folder, not writable, port taken: say so, not a traceback
        raise click.ClickException(f"serveur de courriel local non démarré : {exc}") from exc
    click.echo(f"SMTP local sur 127.0.0.1:{port}, courriels gardés dans {maildir}")
    stopping = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stopping.set())
    stopping.wait()
    sink.stop()


@main.command()
@click.option("--database-url", envvar="DATABASE_URL", default=None, help="SQLAlchemy URL.")
@click.option("--poll", default=1.0, show_default=True, help="Seconds between looks for new work.")
@click.option("--batch", default=100, show_default=True, help="Timers claimed at once.")
@click.option("--lease", default=60.0, show_default=True, help="Seconds a claim lasts.")
def worker(database_url: str | None, poll: float, batch: int, lease: float) -> None:
    """Fire due timers and deliver the outbox until SIGTERM (run as many as needed)."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    engine = _engine(database_url)
    engine.management.create_schema()
    settings = WorkerSettings(poll_interval=poll, batch=batch, lease=timedelta(seconds=lease))
    try:
        Worker(engine, settings).run_forever()
    finally:
        engine.close()


@main.group()
def user() -> None:
    """Manage user accounts."""


@user.command("create")
@click.argument("username")
@click.option("--role", "roles", multiple=True, required=True, type=click.Choice(ROLES))
@click.option("--email", required=True)
@click.option("--name", "display_name", default=None)
@click.password_option(envvar="CONCERTO_PASSWORD")
@click.option("--database-url", envvar="DATABASE_URL", default=None, help="SQLAlchemy URL.")
def user_create(
    username: str,
    roles: tuple[str, ...],
    email: str,
    display_name: str | None,
    password: str,
    database_url: str | None,
) -> None:
    """Create an account (the password is asked for, or read from CONCERTO_PASSWORD)."""
    engine = _engine(database_url)
    try:
        engine.management.create_schema()
        created = engine.identity.create_user(
            username, password, roles=roles, email=email, display_name=display_name
        )
    except EngineError as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        engine.close()
    click.echo(f"compte {created.username} créé ({', '.join(created.roles)})")


@main.command()
@click.option("--database-url", envvar="DATABASE_URL", default=None, help="SQLAlchemy URL.")
@click.option("--json", "as_json", is_flag=True, help="Print the status as JSON.")
def status(database_url: str | None, as_json: bool) -> None:
    """Live workers, timers pending and overdue, outbox backlog, open incidents."""
    engine = _engine(database_url)
    try:
        state = engine.management.status()
    finally:
        engine.close()
    if as_json:
        click.echo(json.dumps(dataclasses.asdict(state), default=str, indent=2))
        return
    console = Console()
    table = Table(title=f"Workers en vie : {len(state.workers)} (heure de Paris)")
    for column in ("worker", "pid", "démarré", "dernier signe", "minuteurs", "messages"):
        table.add_column(column)
    for w in state.workers:
        table.add_row(
            w.id, str(w.pid), datetime_fr(w.started_at, seconds=True),
            time_fr(w.heartbeat_at, seconds=True), str(w.timers_fired), str(w.messages_sent),
        )  # fmt: skip
    console.print(table)
    console.print(
        f"Minuteurs en attente : {state.timers_pending} (en retard : {state.timers_overdue}, "
        f"suspendus : {state.timers_suspended}) ; prochain : "
        f"{datetime_fr(state.next_timer, seconds=True) if state.next_timer else '-'}\n"
        f"Courriels en file : {state.outbox_backlog} ; incidents ouverts : {state.incidents_open}"
    )


@main.command("simulate")
@click.option("--applications", default=200, show_default=True, type=click.IntRange(min=0))
@click.option("--seed", default=1, show_default=True, type=int)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--database-url", default=None, help="Run on this (empty) database instead.")
@click.option(
    "--extend-to",
    type=click.DateTime(["%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M"]),
    default=None,
    help="Extend the deposit deadline to this Paris time (e.g. 2020-06-05T23:59:59).",
)
@click.option(
    "--extend-on",
    type=click.DateTime(["%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M"]),
    default=None,
    help="When the extension is decided, Paris time (default: 4 days before the deadline).",
)
@click.option(
    "--commission-to",
    type=click.DateTime(["%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M"]),
    default=None,
    help="The commission's new date, Paris time (default: moved as far as the deadline).",
)
def simulate_command(
    applications: int,
    seed: int,
    as_json: bool,
    database_url: str | None,
    extend_to: datetime | None,
    extend_on: datetime | None,
    commission_to: datetime | None,
) -> None:
    """Run the whole call 2020-01 in virtual time with synthetic applicants and bots."""
    try:
        extension = plan_extension(extend_to, extend_on, commission_to)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from exc
    console = Console(stderr=True)
    with Progress(
        TextColumn("[bold]Simulation[/bold]"),
        BarColumn(),
        TextColumn("{task.fields[day]}"),
        TimeElapsedColumn(),
        console=console,
        disable=as_json and not console.is_terminal,
    ) as bar:
        job = bar.add_task("simulate", total=1.0, day="")

        def progress(done: float, total: float) -> None:
            bar.update(
                job, completed=done / total if total else 1.0, day=f"jour {done / 86400:.0f}"
            )

        report = simulate(
            applications, seed, database_url=database_url, progress=progress, extension=extension
        )
        bar.update(job, completed=1.0)
    if as_json:
        click.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        _print_report(Console(), report)
    if report.unfinished:
        sys.exit(1)


def _print_report(console: Console, report: SimulationReport) -> None:
    timeline = Table(title="Jalons (heure de Paris)")
    timeline.add_column("date")
    timeline.add_column("jalon")
    for event in report.timeline:
        timeline.add_row(datetime_fr(event["at"]), event["milestone"])
    console.print(timeline)
    outcomes = Table(title=f"Dossiers par état final ({report.applications} candidatures)")
    outcomes.add_column("état")
    outcomes.add_column("dossiers", justify="right")
    outcomes.add_column("montant accordé (€)", justify="right")
    for outcome, count in report.outcomes.items():
        outcomes.add_row(outcome, str(count), f"{report.granted_by_outcome.get(outcome, 0):,}")
    outcomes.add_row("total", str(sum(report.outcomes.values())), f"{report.granted:,}")
    console.print(outcomes)
    console.print(
        f"Enveloppe : {report.envelope:,} € ; accordé : {report.granted:,} € ; "
        f"reste : {report.envelope - report.granted:,} €".replace(",", " ")
    )
    mails = Table(title="Courriels par type")
    mails.add_column("type")
    mails.add_column("écrits (outbox)", justify="right")
    mails.add_column("reçus par le serveur SMTP", justify="right")
    for kind, count in report.mails.items():
        mails.add_row(kind, str(count), str(report.mails_delivered.get(kind, 0)))
    console.print(mails)
    reminders = Table(title="Rappels aux brouillons par jour d'envoi (heure de Paris)")
    reminders.add_column("envoyés le")
    reminders.add_column("rappel")
    reminders.add_column("pour la date limite du")
    reminders.add_column("courriels", justify="right")
    for row in report.reminders:
        reminders.add_row(
            date_fr(row["date"]),
            row["reminder"],
            f"{date_fr(row['deadline'])} à {time_fr(row['deadline'])}",
            str(row["mails"]),
        )
    console.print(reminders)
    console.print(
        f"{report.virtual_days} jours simulés en {report.wall_seconds} s "
        f"({report.rounds} tours ; notifications tardives : {report.late_notices})"
    )
    if report.unfinished:
        console.print(f"[red]Dossiers non terminés : {', '.join(report.unfinished)}[/red]")


if __name__ == "__main__":
    main()
