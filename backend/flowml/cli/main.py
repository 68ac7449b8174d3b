"""The `flowml` command. Each subcommand lives in its own module; this file only wires them."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from flowml import __version__
from flowml.cli.datasets import app as datasets_app
from flowml.cli.jobs import app as jobs_app
from flowml.cli.models import app as models_app
from flowml.cli.remote import whoami
from flowml.cli.tokens import app as tokens_app
from flowml.cli.users import app as users_app
from flowml.cli.workflow import app as workflow_app

app = typer.Typer(
    name="flowml",
    help="FlowML Studio: self-hosted AutoML. Upload a table, train, watch, predict.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.add_typer(tokens_app, name="token")
app.add_typer(users_app, name="users")
# datasets, jobs, models and whoami act on a running server through its API, with FLOWML_API_KEY (docs/cli.md).
app.add_typer(datasets_app, name="datasets")
app.add_typer(jobs_app, name="jobs")
app.add_typer(models_app, name="models")
app.add_typer(workflow_app, name="workflow")  # local runs of workflow files (cli/workflow.py)


@app.command()
def up(
    host: Annotated[str | None, typer.Option(help="Address to bind (default: HOST, 127.0.0.1)")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default: PORT, 8000)")] = None,
) -> None:
    """Embedded mode: API + dashboard + a local worker pool, on SQLite and local disk by default."""
    from flowml.cli.serve import serve

    serve(host=host, port=port)


@app.command()
def server(
    host: Annotated[str | None, typer.Option(help="Address to bind (default: HOST)")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default: PORT)")] = None,
) -> None:
    """The orchestrator: API and job driver; with CELERY_BROKER_URL set, trials also go to `flowml worker`s."""
    from flowml.cli.serve import serve

    serve(host=host, port=port)


@app.command()
def worker(
    master: Annotated[str, typer.Option(help="The master's URL, e.g. http://192.168.1.10:8000")],
    token: Annotated[
        str,
        typer.Option(
            envvar="FLOWML_WORKER_TOKEN",
            help="A join token from `flowml token create` on the master (or set FLOWML_WORKER_TOKEN, which keeps "
            "it out of the process list)",
        ),
    ],
    name: Annotated[str | None, typer.Option(help="This worker's name (default: the host name)")] = None,
    concurrency: Annotated[int | None, typer.Option(help="Trials at once (default: CPU count)", min=1)] = None,
    pool: Annotated[str, typer.Option(help="prefork (Linux, macOS), solo (Windows) or threads")] = "prefork",
    queues: Annotated[str | None, typer.Option(help="Comma-separated queues (default: from the probe)")] = None,
    cache_dir: Annotated[Path | None, typer.Option(help="Dataset cache (default: DATA_DIR/worker-cache)")] = None,
) -> None:
    """Join a master as a worker: probe this machine, register, and run trials until stopped."""
    from flowml.cli.worker import run

    run(master, token, name, concurrency, pool, queues, cache_dir)


@app.command()
def train(
    data: Annotated[Path, typer.Argument(help="A table: csv, xlsx, parquet, json, sqlite, ...")],
    target: Annotated[
        str | None, typer.Option("--target", "-t", help="The column to predict (none with --task clustering)")
    ] = None,
    task: Annotated[
        str, typer.Option(help="auto, binary, multiclass, regression, or clustering (find groups, no target)")
    ] = "auto",
    reference: Annotated[
        str | None,
        typer.Option(help="Clustering: a known grouping column, left out of training and compared with the clusters"),
    ] = None,
    metric: Annotated[str | None, typer.Option(help="Metric to optimize (default depends on the task)")] = None,
    time_budget: Annotated[float, typer.Option("--time-budget", help="Seconds for the whole job")] = 60.0,
    output: Annotated[Path, typer.Option("--output", "-o", help="Folder for the model package")] = Path("flowml-model"),
    algorithms: Annotated[str | None, typer.Option(help="Comma-separated algorithm names (default: all)")] = None,
    preprocessors: Annotated[
        str | None,
        typer.Option(help="Comma-separated preprocessing steps every trial runs, in order, e.g. pca,select_percentile"),
    ] = None,
    folds: Annotated[int, typer.Option(help="Cross-validation folds")] = 5,
    max_trials: Annotated[int | None, typer.Option(help="Stop after this many trials")] = None,
    seed: Annotated[int, typer.Option(help="Random seed")] = 0,
    table: Annotated[str | None, typer.Option(help="SQLite: which table")] = None,
) -> None:
    """Train on a file and write the best model package to --output."""
    from flowml.cli.train import TrainOptions, run_train

    run_train(
        TrainOptions(
            data=data,
            target=target,
            task=task,
            metric=metric,
            time_budget=time_budget,
            output=output,
            algorithms=_names(algorithms) if algorithms else None,
            preprocessors=_names(preprocessors) if preprocessors else [],
            folds=folds,
            max_trials=max_trials,
            seed=seed,
            table=table,
            reference=reference,
        )
    )


def _names(listed: str) -> list[str]:
    """A comma-separated option's names, blanks left out ("pca, select_percentile," -> two names)."""
    return [name.strip() for name in listed.split(",") if name.strip()]


@app.command()
def predict(
    model_dir: Annotated[Path, typer.Argument(help="A model package folder written by `flowml train`")],
    data: Annotated[Path, typer.Argument(help="Rows to predict, in any supported format")],
    output: Annotated[Path, typer.Option("--output", "-o", help="CSV to write")] = Path("predictions.csv"),
    trust: Annotated[
        bool,
        typer.Option(
            "--trust",
            help="You trust whoever made the package: loading it runs code it contains. Without this, a package "
            "not trained on this machine gets a warning.",
        ),
    ] = False,
) -> None:
    """Predict with a model package; writes `prediction` and, for classifiers, `proba_<class>` columns (a clustering
    model: `cluster`, `cluster_name` and, for mixtures, `proba_<cluster>`)."""
    from flowml.cli.predict import run_predict

    run_predict(model_dir, data, output, trust=trust)


@app.command()
def openapi(
    output: Annotated[Path | None, typer.Option("--output", "-o", help="File to write (default: print it)")] = None,
) -> None:
    """Write the API's OpenAPI schema as JSON; the dashboard's typed client is generated from it."""
    from flowml.cli.openapi import write_openapi

    write_openapi(output)


@app.command()
def version() -> None:
    """Print the version."""
    typer.echo(__version__)


app.command()(whoami)  # registered last, so `flowml --help` lists it beside the server groups
