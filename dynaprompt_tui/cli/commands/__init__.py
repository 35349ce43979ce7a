"""The subcommands, one module each; `cli.main` imports only the one that runs (each loads the
core it needs at its top, so `--help` and the app's start-up never pay for them)."""
