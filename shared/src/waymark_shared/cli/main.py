"""The ``waymark`` command line: start, serve, relay, consume, migrate, replay, parked,
contracts. Every command bootstraps what it needs itself (one bootstrap per process)."""

from __future__ import annotations

from pathlib import Path

import click

from waymark_shared.cli import operations, running
from waymark_shared.platform.wiring import Platform


@click.group()
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="WAYMARK_DATA_DIR",
    default=None,
    help="Folder for the embedded SQLite databases, outbox and logs (default ./var).",
)
@click.pass_context
def cli(ctx: click.Context, data_dir: Path | None) -> None:
    """Waymark: careers guidance for schools and colleges in England."""
    ctx.obj = Platform.discover(data_dir=data_dir)


for command in (*running.COMMANDS, *operations.COMMANDS):
    cli.add_command(command)
