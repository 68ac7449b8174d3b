"""`python -m flowml.cli` runs the same command as the `flowml` script."""

from flowml.cli.main import app

if __name__ == "__main__":
    app()
