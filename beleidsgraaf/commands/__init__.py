"""One module per CLI command; each has `register(subparsers)` and sets `func` on its parser.

To add a command: write `commands/<name>.py` and add its name to COMMANDS.
"""

COMMANDS = [
    "build",
    "export",
    "query",
    "evaluate",
    "demo",
    "network",
    "validate",
    "queries",
    "serve",
    "push",
]
