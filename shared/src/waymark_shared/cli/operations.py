"""Operations commands: ``migrate``, ``replay``, ``parked list|retry``, ``contracts``."""

from __future__ import annotations

from pathlib import Path

import click

from waymark_shared.events.contracts import write_contracts
from waymark_shared.maintenance import run_to_the_end
from waymark_shared.messaging.subscriptions import SubscriptionRunner
from waymark_shared.platform.wiring import Platform

pass_platform = click.make_pass_decorator(Platform)


@click.command()
@click.argument("services", nargs=-1)
@pass_platform
def migrate(platform: Platform, services: tuple[str, ...]) -> None:
    """Bring services' databases to the latest migration (all services by default)."""
    for name in services or platform.definitions:
        platform.runtime(name).migrate()
        click.echo(f"{name}: at head")


@click.command()
@click.argument("read_model")
@click.option("--yes", is_flag=True, help="Do not ask before emptying the read models.")
@pass_platform
def replay(platform: Platform, read_model: str, yes: bool) -> None:
    """Rebuild a service's read models (or one subscription's) from zero.

    Stop that service's running consumers first: the replay empties its read models and
    positions, then applies every source event again, showing progress.
    """
    targets = _subscriptions(platform, read_model)
    if not yes:
        click.confirm(f"Empty and rebuild {', '.join(s.name for _, s in targets)}?", abort=True)
    for runtime, subscription in targets:
        transport = platform.transport(runtime, subscription, replaying=True)
        try:
            transport.runner.reset()
            total = transport.backlog()  # type: ignore[attr-defined]
            with click.progressbar(length=total, label=f"replaying {subscription.name}", show_pos=True) as bar:
                applied = transport.run_until_caught_up(progress=bar.update)
        finally:
            transport.close()  # leaves the group now, not when the session times out
        parked = transport.runner.parked.count()
        click.echo(f"{subscription.name}: {applied} events replayed, {parked} parked")
    for runtime in {id(runtime): runtime for runtime, _ in targets}.values():
        for job in runtime.definition.maintenance:
            click.echo(f"{runtime.name}: {job.name}: {run_to_the_end(job, runtime)} brought up to date")


@click.group()
def parked() -> None:
    """Events a subscription could not apply."""


@parked.command("list")
@click.argument("read_model", required=False)
@pass_platform
def parked_list(platform: Platform, read_model: str | None) -> None:
    """List parked events (of every subscription by default)."""
    shown = 0
    for _, subscription, runner in _runners(platform, read_model):
        for item in runner.parked.list():
            shown += 1
            click.echo(
                f"{subscription.name}\t{item.event.id}\t{item.event.type}\t"
                f"attempts={item.attempts}\tparked={item.parked_at}\n    {item.error}"
            )
    if not shown:
        click.echo("no parked events")


@parked.command("retry")
@click.argument("read_model")
@click.option("--event-id", default=None, help="Retry only this event (default: all).")
@pass_platform
def parked_retry(platform: Platform, read_model: str, event_id: str | None) -> None:
    """Apply parked events again; those that fail again stay parked."""
    failed = 0
    for _, subscription, runner in _runners(platform, read_model):
        for outcome in runner.parked.retry(event_id):
            status = "applied" if outcome.succeeded else f"failed again: {outcome.error}"
            click.echo(f"{subscription.name}\t{outcome.event_id}\t{status}")
            failed += not outcome.succeeded
    if failed:
        raise SystemExit(1)


@click.command()
@click.option(
    "--out", type=click.Path(file_okay=False, path_type=Path), default=Path("contracts"), show_default=True
)
@pass_platform
def contracts(platform: Platform, out: Path) -> None:
    """Write JSON Schema for every event type and an AsyncAPI document for partners."""
    written = write_contracts(platform.definitions, out, platform.settings("platform").topic_prefix)
    click.echo(f"wrote {len(written)} files to {out}")


def _subscriptions(platform: Platform, name: str):  # type: ignore[no-untyped-def]
    try:
        return platform.subscriptions_named(name)
    except LookupError as error:
        raise click.BadParameter(str(error)) from None


def _runners(platform: Platform, name: str | None):  # type: ignore[no-untyped-def]
    if name is None:
        pairs = [
            (platform.runtime(service), subscription)
            for service, definition in platform.definitions.items()
            for subscription in definition.subscriptions
        ]
    else:
        pairs = _subscriptions(platform, name)
    return [(runtime, s, SubscriptionRunner(s, runtime.engine)) for runtime, s in pairs]


COMMANDS = (migrate, replay, parked, contracts)
