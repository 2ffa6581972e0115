"""The ``influence-lab`` command: make, fetch, verify and describe the datasets.

``influence-lab data generate`` rebuilds the synthetic sample (in the checkout's ``data/``,
or without a checkout in the cache's ``sample/``; ``--out DIR`` anywhere else);
``data fetch`` gets the real SNAP files into the cache with their hashes checked;
``data verify`` re-hashes the sample and the cached real files;
``data info`` summarises each dataset. Expected problems (a missing or corrupted
file, a table that breaks the contract) print one paragraph to stderr and exit 1,
without a traceback.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Callable, Sequence

from influence_lab import paths
from influence_lab._version import __version__

from influence_lab.datasets import snap
from influence_lab.contract import ContractError, Dataset

PROG = "influence-lab"
SAMPLE = "sample"
MANIFEST_NAME = "MANIFEST.json"
#: What the sample loader raises for a missing or damaged sample (a bad MANIFEST.json is a ValueError).
SAMPLE_ERRORS: tuple[type[BaseException], ...] = (ValueError, OSError)
#: Exceptions that are the user's situation, not a bug: reported without a traceback.
EXPECTED_ERRORS: tuple[type[BaseException], ...] = (ContractError, snap.DatasetError, OSError)


def _say(text: str = "") -> None:
    print(text, flush=True)


def _error(message: str) -> None:
    """One paragraph on stderr."""
    print(f"{PROG}: error: {message}", file=sys.stderr, flush=True)


def _sample_module():
    # Imported lazily: the simulator is heavy and ``data fetch`` does not need it.
    from influence_lab.datasets import sample

    return sample


# --------------------------------------------------------------------------- data generate


def _generate(args: argparse.Namespace) -> int:
    from influence_lab.datasets.world import WorldConfig

    config = WorldConfig()  # the shipped sample's world
    if args.seed is not None:
        config = config.replace(seed=args.seed)  # the same world, another draw
    # Only where asked; by default the checkout's data/, or without a checkout the cache's sample folder.
    where = args.out if args.out is not None else paths.generate_dir()
    _say(f"Generating the synthetic world (seed {config.seed}) into {where} ...")
    manifest = _sample_module().generate_sample(directory=where, config=config)
    for file_name, entry in manifest["files"].items():
        _say(f"  {file_name}: {entry['rows']:,} rows, sha256 {entry['sha256']}")
    _say(f"  {MANIFEST_NAME}: records the hashes and the configuration")
    _say(f"Wrote the sample to {where}")
    if args.out is None and config != WorldConfig():
        _say(
            f"Note: {where} now holds seed {config.seed}, not the shipped sample, and load_sample() reads it; "
            f"`{PROG} data generate` without --seed restores it."
        )
    return 0


# --------------------------------------------------------------------------- data fetch


def _fetch(args: argparse.Namespace) -> int:
    failures = 0
    for name in args.names or snap.dataset_names():
        try:
            result = snap.fetch_details(name, mirror=args.mirror, force=args.force)
        except snap.DatasetError as exc:
            failures += 1
            _error(str(exc))
            continue
        origin = {"cache": "already in the cache"}.get(result.origin, f"copied from the {result.origin}")
        if result.origin.startswith("download"):
            origin = f"downloaded from {result.origin.removeprefix('download ')}"
        _say(f"{name}: ok  {result.path}")
        _say(f"  sha256 {result.sha256} (decompressed content) matches the registry; {origin}")
    return 1 if failures else 0


# --------------------------------------------------------------------------- data verify


def _verify_sample(directory: Path | None) -> int:
    """Print the sample's file checks; return the number of mismatches (a missing sample counts)."""
    _say(f"Synthetic sample ({directory or paths.sample_dir()}):")
    try:
        checks = _sample_module().verify_sample(directory)
    except SAMPLE_ERRORS as exc:
        _error(f"cannot verify the synthetic sample: {exc}")
        return 1
    bad = 0
    for check in checks:
        if check.ok:
            _say(f"  ok        {check.path}  sha256 {check.actual}")
        elif check.actual is None:
            bad += 1
            _say(f"  MISSING   {check.path}  (MANIFEST.json lists it with sha256 {check.expected})")
        else:
            bad += 1
            _say(f"  MISMATCH  {check.path}  expected sha256 {check.expected}, found {check.actual}")
    if bad:
        _say(f"  -> {bad} sample file(s) differ: rebuild them with `{paths.generate_command(directory)}`.")
    return bad


def _verify_cache() -> int:
    """Print the cached real files' checks; return the number of mismatches (missing is not one)."""
    _say(f"Real datasets (cache {paths.cache_dir()}):")
    bad = 0
    for name in snap.dataset_names():
        check = snap.check_cached(name)
        if check.ok is None:
            _say(f"  missing   {name}  {check.path} (not fetched yet: `{PROG} data fetch {name}`)")
        elif check.ok:
            _say(f"  ok        {name}  {check.path}  sha256 {check.actual}")
        else:
            bad += 1
            _say(
                f"  MISMATCH  {name}  {check.path}  expected sha256 {check.expected}, found {check.actual}"
                f" -> re-fetch with `{PROG} data fetch --force {name}`"
            )
    return bad


def _verify(args: argparse.Namespace) -> int:
    mismatches = _verify_sample(args.sample_dir) + _verify_cache()
    _say("All checked files match." if not mismatches else f"{mismatches} file(s) do not match.")
    return 1 if mismatches else 0


# --------------------------------------------------------------------------- data info


def _format_count(n: int) -> str:
    return f"{n:,}"


def _describe(label: str, dataset: Dataset, cleaning: str) -> None:
    """Print ``Dataset.info()`` as an aligned block, headed by the name used on the command line."""
    info = dataset.info()
    _say(label if dataset.name == label else f"{label} ({dataset.name})")
    if dataset.description:
        _say(f"  {dataset.description.split('. ')[0].rstrip('.')}.")
    _say(f"  users      {_format_count(info['users'])}")
    by_kind = ", ".join(f"{kind} {_format_count(n)}" for kind, n in info["events_by_kind"].items())
    _say(f"  events     {_format_count(info['events'])}" + (f" ({by_kind})" if by_kind else ""))
    _say(f"  outcomes   {_format_count(info['outcomes'])}")
    for table, frame in dataset.truth.items():
        _say(f"  {table}  {_format_count(len(frame))} (ground truth: notebooks compare with it, scores never read it)")
    first, last = info["first_event"], info["last_event"]
    if first is not None:
        days = (last - first).total_seconds() / 86_400
        _say(f"  time span  {first:%Y-%m-%d %H:%M} to {last:%Y-%m-%d %H:%M} UTC ({days:,.1f} days)")
    _say(f"  cleaning   {cleaning}")


def _removed_text(removed: dict[str, int]) -> str:
    return "; ".join(f"{reason} {_format_count(n)}" for reason, n in removed.items())


def _info_sample(directory: Path | None) -> int:
    # Always an explicit folder: describing the sample does not generate it (load_sample() would).
    directory = directory if directory is not None else paths.sample_dir()
    try:
        dataset = _sample_module().load_sample(directory)
    except FileNotFoundError as exc:
        how = "" if "data generate" in str(exc) else f" Build it with `{paths.generate_command(directory)}`."
        _say(f"{SAMPLE}: not available locally: {exc}{how}")
        return 0
    removed = _removed_text(dataset.removed)
    _describe(SAMPLE, dataset, f"the loader removed {removed}" if removed else "the loader removed nothing")
    return 0


def _info_real(name: str, mirror: str | None) -> int:
    if not snap.available_locally(name, mirror=mirror):
        _say(
            f"{name}: not available locally (not in the cache {paths.cache_dir()} nor in a mirror). "
            f"Fetch it with `{PROG} data fetch {name}` (downloads {snap.spec(name).url}) or "
            f"`{PROG} data fetch {name} --mirror DIR`."
        )
        return 0
    dataset = snap.load(name, mirror=mirror)
    _, would_remove = snap.clean_events(dataset.events)
    _describe(
        name,
        dataset,
        "none by default (every row of the file is kept); clean=True would remove "
        + _removed_text(would_remove),
    )
    return 0


def _info(args: argparse.Namespace) -> int:
    failures = 0
    for position, name in enumerate(args.names or [SAMPLE, *snap.dataset_names()]):
        if position:
            _say()
        try:
            failures += _info_sample(args.sample_dir) if name == SAMPLE else _info_real(name, args.mirror)
        except (*EXPECTED_ERRORS, *(SAMPLE_ERRORS if name == SAMPLE else ())) as exc:
            failures += 1
            _error(f"{name}: {exc}")
    return 1 if failures else 0


# --------------------------------------------------------------------------- score


def _score_options(args: argparse.Namespace) -> dict:
    from influence_lab.datasets.importers.tabular import parse_mapping

    options = {
        "columns": parse_mapping(args.columns, what="columns") or None,
        "kinds": parse_mapping(args.kinds, what="kinds") or None,
        "timezone": args.timezone, "delimiter": args.delimiter, "encoding": args.encoding,
        "timestamp_unit": args.timestamp_unit, "timestamp_format": args.timestamp_format,
        "keep_duplicates": args.keep_duplicates, "ambiguous_times": args.ambiguous_times, "account": args.account,
    }
    return {k: v for k, v in options.items() if v not in (None, False) and not (k == "ambiguous_times" and v == "raise")}


def _print_table(table, top: int) -> None:
    import pandas as pd

    shown = table.head(top).copy()
    for column in shown.columns:
        if pd.api.types.is_float_dtype(shown[column]):
            shown[column] = shown[column].map(lambda v: "" if v != v else f"{v:,.1f}" if abs(v) >= 10 else f"{v:.3g}")
    _say(shown.to_string())
    if len(table) > top:
        _say(f"... {len(table) - top:,} more users (--top N shows more; --out FILE writes all)")


def _score(args: argparse.Namespace) -> int:
    import warnings

    from influence_lab.scoring import workflow

    try:
        options = _score_options(args)
        window = workflow.parse_window(args.window)
    except ValueError as exc:
        _error(str(exc))
        return 2
    if args.user and not args.plot:
        _error("--user names whose timeline to draw: give --plot FILE.png too.")
        return 2
    if args.plot and not args.user:
        _error("--plot draws the timelines of the users named by --user ID (one or more).")
        return 2
    recipe = "all" if args.recipe == "all" else args.recipe
    size = args.path.stat().st_size if args.path.is_file() else 0
    from tqdm.auto import tqdm

    steps = tqdm(total=2, desc="load and score", disable=size < (50 << 20), file=sys.stderr, leave=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", workflow.DataWarning)  # printed below, once, as a section
        if args.engine != "pandas":
            if options or args.format != "auto":
                _error("--engine duckdb reads a table in the contract's columns as it is: drop the import options "
                       f"({', '.join(sorted(options)) or '--format'}) or use --engine pandas.")
                return 2
            recipe = ["klout", "network"] if recipe == "all" else recipe
            report = workflow.score(str(args.path), recipe, engine=args.engine, as_of=args.as_of, window=window,
                                    warn=False, engine_options={"master": args.spark_master}
                                    if args.engine == "spark" else None)
        else:
            report = workflow.score(args.path, recipe, format=args.format, as_of=args.as_of, window=window,
                                    warn=False, **options)
    steps.update(2)
    steps.close()
    if args.plot is not None:
        _check_plot(report, args)  # before anything is printed or written
    data = report.dataset
    if data is not None:
        info = data.info()
        _say(f"{data.name}: {info['users']:,} accounts, {info['events']:,} events "
             f"({', '.join(f'{k} {n:,}' for k, n in info['events_by_kind'].items())}), "
             f"as of {report.as_of:%Y-%m-%d %H:%M} UTC")
    else:
        _say(f"{args.path}: {len(report.table):,} accounts scored by {args.engine}, as of "
             f"{report.as_of:%Y-%m-%d %H:%M} UTC")
    _say("What this data can support:")
    for finding in report.diagnostics.findings:
        if finding.level == "warning":
            print(f"{PROG}: {finding}", file=sys.stderr, flush=True)
        _say(f"  {finding}")
    _say()
    _print_table(report.table, args.top)
    if args.out is not None:
        report.table.to_csv(args.out)
        _say(f"Wrote {len(report.table):,} ranked users to {args.out}")
    if args.plot is not None:
        _plot_timelines(report, args)
    return 0


def _check_plot(report, args: argparse.Namespace) -> None:
    """Refuse a --plot that cannot be drawn, before the command writes anything."""
    from influence_lab.scoring.recipes import RECIPES

    from influence_lab.scoring.engines.run import ENGINE_TIMELINE_RECIPES

    name = report.recipes[0]
    if report.dataset is None and name not in ENGINE_TIMELINE_RECIPES:
        raise ContractError(f"--plot: on an engine the day-by-day timeline runs for {', '.join(ENGINE_TIMELINE_RECIPES)}"
                            f" only; put it first in --recipe, or drop --engine.", table="events")
    if RECIPES[name].timeline_features is None:
        with_timeline = [n for n, c in RECIPES.items() if c.timeline_features is not None]
        raise ContractError(f"--plot: the {name} recipe has no day-by-day timeline; put one of "
                            f"{', '.join(with_timeline)} first in --recipe for the plot.", table="events")
    unknown = [u for u in args.user if u not in report.table.index]
    if unknown:
        raise ContractError(f"--user {' '.join(unknown)}: no such account in "
                            f"{args.path if report.dataset is None else report.dataset.name} "
                            f"(the ranked table's user_id column lists them).", table="users")


def _plot_timelines(report, args: argparse.Namespace) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np
    import pandas as pd

    from influence_lab.course import plotting
    from influence_lab.scoring.events import day_end
    from influence_lab.scoring.recipes import make_recipe, score_dataset
    from influence_lab.scoring.timeline import score_timeline

    name = report.recipes[0]
    model = make_recipe(name)
    if report.dataset is None:  # an engine: the same daily running sums, aggregated there
        from influence_lab.scoring.engines.run import score_on_engine, timeline_on_engine

        runner = report.engine
        first = runner.span()[0]
    else:
        first = report.dataset.events["timestamp"].min()
    days = report.window_days or float(np.ceil((report.as_of - first) / pd.Timedelta(days=1))) + 1
    span = dict(start=first.floor("D"), end=report.as_of.floor("D"), window_days=int(np.ceil(days)))
    if report.dataset is None:
        score_on_engine(None, model, engine=runner, as_of=report.as_of, window_days=days)  # the calibration
        timeline = timeline_on_engine(None, model, engine=runner, **span)
        timeline = timeline[timeline["user_id"].isin(list(args.user))]
    else:
        score_dataset(report.dataset, model, as_of=report.as_of, window_days=days)  # the population's calibration
        timeline = score_timeline(report.dataset, model, users=list(args.user), **span)
    plotting.set_theme()
    ax = plotting.plot_score_timeline(
        timeline, title=f"{name} score by day ({'whole span' if report.window_days is None else f'{days:g}-day window'})",
        ylabel=f"{name} score")
    ax.figure.savefig(args.plot, dpi=120, bbox_inches="tight")
    plt.close(ax.figure)
    _say(f"Wrote the timeline of {', '.join(args.user)} to {args.plot} (calibrated on everyone as of "
         f"{day_end(report.as_of.floor('D')):%Y-%m-%d})")


# --------------------------------------------------------------------------- parser


def _name_in(names: Sequence[str]) -> Callable[[str], str]:
    """An argparse type accepting one of ``names`` in any case (``choices`` rejects an empty ``*``)."""

    def dataset_name(text: str) -> str:
        if text.lower() not in names:
            raise argparse.ArgumentTypeError(f"unknown dataset {text!r} (choose from {', '.join(names)})")
        return text.lower()

    return dataset_name


def _student_copies(args: argparse.Namespace) -> int:
    from influence_lab.course import student

    notebooks = args.notebooks or Path(__file__).resolve().parents[1] / "notebooks"
    return student.run(notebooks, args.outdir, keep_outputs=args.keep_outputs)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``influence-lab``."""
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Influence Lab: check what influence scores measure, with data.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    data = commands.add_parser("data", help="make, fetch, verify and describe the datasets")
    actions = data.add_subparsers(dest="action", metavar="ACTION")
    real_names = snap.dataset_names()

    generate = actions.add_parser("generate", help="rebuild the synthetic sample from the package")
    generate.add_argument("--out", type=Path, default=None,
                          help="folder to write (default: data/ of the checkout; without a checkout, "
                               "the cache's sample/ folder)")
    generate.add_argument("--seed", type=int, default=None, help="seed of the simulation (default: the package's)")
    generate.set_defaults(func=_generate)

    fetch = actions.add_parser("fetch", help="fetch the real datasets into the cache and check their SHA-256")
    fetch.add_argument("names", nargs="*", type=_name_in(real_names), metavar="NAME",
                       help=f"datasets to fetch: {', '.join(real_names)} (default: all)")
    fetch.add_argument("--mirror", default=None, metavar="DIR",
                       help="folder holding the original .gz files (default: $INFLUENCE_LAB_MIRROR)")
    fetch.add_argument("--force", action="store_true", help="replace the cached copy even if it exists")
    fetch.set_defaults(func=_fetch)

    verify = actions.add_parser("verify", help="re-hash the shipped sample and the cached real files")
    verify.add_argument("--sample-dir", type=Path, default=None, metavar="DIR",
                        help="the sample folder to check (default: data/ of the checkout, else the cache's sample/)")
    verify.set_defaults(func=_verify)

    info = actions.add_parser("info", help="tables, rows, time span and users of each dataset")
    info.add_argument("names", nargs="*", type=_name_in([SAMPLE, *real_names]), metavar="NAME",
                      help=f"datasets to describe: {', '.join([SAMPLE, *real_names])} (default: all)")
    info.add_argument("--mirror", default=None, metavar="DIR",
                      help="folder holding the original .gz files (default: $INFLUENCE_LAB_MIRROR)")
    info.add_argument("--sample-dir", type=Path, default=None, metavar="DIR",
                      help="the sample folder to describe (default: data/ of the checkout, else the cache's sample/)")
    info.set_defaults(func=_info)

    from influence_lab.datasets.importers import FORMATS
    from influence_lab.scoring.recipes import RECIPES

    score = commands.add_parser(
        "score", help="score your own export: diagnostics, a ranked table, a CSV, a timeline plot",
        description="Load an export (CSV, Parquet, X archive, Mastodon export, per-post analytics), say what it "
                    "can support, and rank its accounts beside the sceptic's baselines.")
    score.add_argument("path", type=Path, metavar="PATH", help="the export file (or extracted archive folder)")
    score.add_argument("--format", choices=FORMATS, default="auto", help="what PATH is (default: detected)")
    score.add_argument("--columns", default=None, metavar="FIELD=COL,...",
                       help="contract field = your column, e.g. timestamp=when,actor_id=who,target_id=whom,kind=what")
    score.add_argument("--kinds", default=None, metavar="VALUE=KIND,...",
                       help="your kind values onto the contract's (or 'ignore'), e.g. answer=reply,question=post")
    score.add_argument("--timezone", default=None, help="the zone of naive times, e.g. UTC or Europe/Paris")
    score.add_argument("--ambiguous-times", choices=("raise", "earlier", "later"), default="raise",
                       help="naive local times repeated when clocks go back (default: an error)")
    score.add_argument("--delimiter", default=None, help="CSV delimiter (default: detected among , ; tab |)")
    score.add_argument("--encoding", default=None, help="text encoding (default: UTF-8, or the byte-order mark's)")
    score.add_argument("--timestamp-unit", choices=("s", "ms"), default=None, help="times are Unix numbers in this unit")
    score.add_argument("--timestamp-format", default=None, help="strftime layout of the times, e.g. '%%d/%%m/%%Y %%H:%%M'")
    score.add_argument("--account", default=None, help="analytics export of one account: its id")
    score.add_argument("--keep-duplicates", action="store_true", help="keep rows that repeat an earlier row exactly")
    score.add_argument("--recipe", choices=[*RECIPES, "all"], default="klout", help="which score (default: klout)")
    score.add_argument("--engine", choices=("pandas", "duckdb", "spark"), default="pandas",
                       help="where features are aggregated: pandas (default; every importer and check), duckdb "
                            "(Parquet/CSV in the contract's columns, a folder or a glob, out of core) or spark "
                            "(the same, distributed); engines run klout and network")
    score.add_argument("--spark-master", default="local[*]", metavar="URL",
                       help="with --engine spark: the master URL (default local[*]; spark://host:7077, yarn)")
    score.add_argument("--as-of", default=None, metavar="DATE", help="score as of this time (default: the last event)")
    score.add_argument("--window", default="auto", metavar="90D|all|auto",
                       help="days of data scored (default auto: the whole span up to a year, else 90 days)")
    score.add_argument("--top", type=int, default=20, help="rows of the ranked table to print (default 20)")
    score.add_argument("--out", type=Path, default=None, metavar="FILE.csv", help="write the whole ranked table")
    score.add_argument("--plot", type=Path, default=None, metavar="FILE.png", help="draw the --user timelines")
    score.add_argument("--user", action="append", default=[], metavar="ID", help="an account to plot (repeatable)")
    score.set_defaults(func=_score)

    students = commands.add_parser(
        "student-copies", help="copies of the notebooks for a class: solutions removed, outputs cleared or kept",
        description="Write student copies of the notebooks into OUTDIR: cells tagged 'solution' (code and written "
                    "answers) are removed, and every output is cleared unless --keep-outputs.")
    students.add_argument("outdir", type=Path, metavar="OUTDIR", help="where the copies go (never the notebooks)")
    students.add_argument("--notebooks", type=Path, default=None, metavar="DIR",
                          help="the notebooks to copy (default: the checkout's notebooks/; reports/executed for "
                               "executed ones)")
    students.add_argument("--keep-outputs", action="store_true",
                          help="keep figures and tables (every output but the solutions'), for students who do "
                               "not code; use on executed notebooks")
    students.set_defaults(func=_student_copies)

    parser.set_defaults(func=None, help_of=parser)
    data.set_defaults(help_of=data)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``influence-lab`` with ``argv`` (default: the command line); return the exit code."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version, usage errors
        return int(exc.code or 0)
    func: Callable[[argparse.Namespace], int] | None = args.func
    if func is None:
        args.help_of.print_help(sys.stderr)
        return 2
    try:
        return func(args)
    except EXPECTED_ERRORS as exc:
        _error(str(exc))
        return 1
    except KeyboardInterrupt:
        _error("interrupted.")
        return 130


if __name__ == "__main__":
    sys.exit(main())
