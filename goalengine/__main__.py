"""``python -m goalengine`` runs the command line."""

from .cli import run

run()
