"""Command line for the briefing toolkit: ``python run_reports.py --help``."""

from reports.cli import run

if __name__ == "__main__":
    run()
