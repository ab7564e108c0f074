from waymark_shared.cli.main import cli

cli(prog_name="waymark")
