"""One module per `communique` subcommand; each has `register(subparsers)` and `run(args) -> int`.

Modules import their heavy dependencies inside `run` so that `communique --help` stays instant.
"""
