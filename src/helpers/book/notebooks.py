"""Execute the book's notebooks once, in parallel, into the cache every check reads.

Jupyter Book 1 executes notebooks one by one while it reads them. Here every
notebook is executed beforehand, a few at a time (one kernel per core), into
the jupyter-cache that Jupyter Book reads (``execute_notebooks: cache``). One
execution then serves every consumer:

* ``make book`` and ``make book-student`` (and any other edition or builder
  whose ``_config.yml`` points ``execute.cache`` at :data:`CACHE_DIR`, see
  :func:`edition_config`) find every notebook in the cache and execute nothing;
* the tests compare the outputs stored in the committed notebooks with this
  execution (the ``--nbval-executed`` check in the root ``conftest.py``,
  nbval's comparison without a second execution) and read executed notebooks
  through the ``executed_notebooks`` fixture.

jupyter-cache notices only changed code cells. Everything else a notebook
depends on (helpers, data, environment, Python) is summed up in a fingerprint
(:func:`inputs_fingerprint`); when it changes, the cache is emptied and every
notebook runs again.

``make notebooks`` stores fresh outputs in the committed notebooks
(:func:`write_outputs`). It executes the notebooks again rather than copying
them from the cache, so the stored outputs and the cached ones always come
from two independent executions: the comparison in the tests is then also the
check that two executions give identical outputs.

Command line::

    python -m helpers.book.notebooks execute [--book-only] [--jobs N] [--cache DIR]
    python -m helpers.book.notebooks write [--jobs N] [NOTEBOOK ...]
    python -m helpers.book.notebooks config OUT [--set KEY=VALUE ...] [--title-suffix TEXT]
    python -m helpers.book.notebooks list
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import fcntl
import hashlib
import json
import os
import platform
import re
import shutil
import sys
import tempfile
import time
import traceback
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

import nbformat
import yaml

from helpers.data import config
from helpers.data.config import PROJECT_ROOT

NOTEBOOK_DIR = PROJECT_ROOT / "notebooks"
#: The jupyter-cache both editions of the book and the tests read.
CACHE_DIR = PROJECT_ROOT / "_build" / ".jupyter_cache"
#: Inside the cache folder: the fingerprint of the inputs the cache was made with.
FINGERPRINT_FILE = "inputs-fingerprint"
#: Beside the cache (kept when the cache is emptied): seconds per notebook of
#: the last execution, so the slowest notebooks start first.
TIMINGS_FILE = "execution-seconds.json"
#: Environment variables that change what a notebook computes.
ENV_INPUTS = ("SOURCE_DATE_EPOCH",)
#: Set for the kernels when not set already (the Makefile exports the same
#: values): figures carry no build date, and no debugger warning in outputs.
KERNEL_ENV_DEFAULTS = {"SOURCE_DATE_EPOCH": "1577836800", "PYDEVD_DISABLE_FILE_VALIDATION": "1"}
ENV_PREFIX = "VEILIGHEID_"
#: Folders and files whose content the notebooks depend on besides their own code.
CODE_INPUTS = ("src/helpers", "pyproject.toml", "constraints.txt")
_SKIP_PARTS = {"__pycache__", ".ipynb_checkpoints"}

__all__ = [
    "CACHE_DIR",
    "Execution",
    "book_notebooks",
    "checked_notebooks",
    "edition_config",
    "ensure_executed",
    "execute_in_place",
    "execute_notebook",
    "executed_notebook",
    "inputs_fingerprint",
    "read_notebook",
    "write_outputs",
]


@dataclass
class Execution:
    """The outcome of executing one notebook.

    Attributes
    ----------
    path : pathlib.Path
        The source file.
    notebook : nbformat.NotebookNode
        The notebook with the outputs of this execution (up to the failing
        cell when the execution failed).
    seconds : float
        Wall-clock time, kernel start included.
    error : str or None
        The traceback when a cell failed, else None.
    """

    path: Path
    notebook: nbformat.NotebookNode
    seconds: float
    error: str | None = None


# ---------------------------------------------------------------------------
# Which notebooks
# ---------------------------------------------------------------------------


def _toc_files(root: Path) -> list[Path]:
    """Source files of the pages of ``_toc.yml`` (files and globs), in toc order."""
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    found: list[Path] = []

    def add(path: Path) -> None:
        if path.is_file() and path not in found:
            found.append(path)

    def add_name(name: str) -> None:
        if Path(name).suffix in (".ipynb", ".md"):
            add(root / name)
        for suffix in (".ipynb", ".md"):
            add(root / f"{name}{suffix}")

    def walk(node) -> None:
        if isinstance(node, list):
            for item in node:
                walk(item)
        elif isinstance(node, dict):
            if "root" in node:
                add_name(node["root"])
            if "file" in node:
                add_name(node["file"])
            if "glob" in node:
                for path in sorted(root.glob(node["glob"] + ".*")):
                    if path.suffix in (".ipynb", ".md") and not path.name.startswith(("_", ".")):
                        add(path)
            for key in ("parts", "chapters", "sections"):
                walk(node.get(key))

    walk(toc)
    return found


def is_notebook(path: Path) -> bool:
    """True for a ``.ipynb`` file and for a MyST Markdown notebook (``.md`` with a kernel)."""
    from myst_nb.core.read import is_myst_markdown_notebook

    path = Path(path)
    if path.suffix == ".ipynb":
        return True
    return path.suffix == ".md" and is_myst_markdown_notebook(path.read_text(encoding="utf-8"))


def book_notebooks(root: Path = PROJECT_ROOT) -> list[Path]:
    """Every page of the book that Jupyter Book executes, in toc order.

    Parameters
    ----------
    root : pathlib.Path
        The project folder (holding ``_toc.yml``).

    Returns
    -------
    list of pathlib.Path
        Absolute paths of the ``.ipynb`` pages and the MyST Markdown notebooks.
    """
    return [p.resolve() for p in _toc_files(Path(root)) if is_notebook(p)]


def checked_notebooks(root: Path = PROJECT_ROOT) -> list[Path]:
    """The book's notebooks plus every other ``.ipynb`` under ``notebooks/``.

    The others (the template of the municipality pages) are not pages of the
    book, but their cells must run too: the tests check every notebook that
    nbval would collect.
    """
    root = Path(root)
    found = book_notebooks(root)
    for path in sorted((root / "notebooks").rglob("*.ipynb")):
        if _SKIP_PARTS.isdisjoint(path.parts) and path.resolve() not in found:
            found.append(path.resolve())
    return found


def _myst_extensions(root: Path) -> list[str]:
    cfg = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8")) or {}
    return list((cfg.get("parse") or {}).get("myst_enable_extensions") or [])


def read_notebook(path: Path, root: Path = PROJECT_ROOT) -> nbformat.NotebookNode:
    """Read a notebook the way myst-nb reads it for the book.

    The cache matches notebooks by a hash of their code cells, so a notebook
    executed here is found by the book build only if both read the same cells.
    """
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".ipynb":
        return nbformat.reads(text, as_version=4)
    from myst_nb.core.read import read_myst_markdown_notebook
    from myst_parser.config.main import MdParserConfig

    md_config = MdParserConfig(enable_extensions=set(_myst_extensions(Path(root))))
    return read_myst_markdown_notebook(text, config=md_config, add_source_map=True, path=path)


# ---------------------------------------------------------------------------
# Inputs
# ---------------------------------------------------------------------------


def _files_under(path: Path) -> Iterable[Path]:
    if path.is_file():
        yield path
    elif path.is_dir():
        for p in sorted(path.rglob("*")):
            if p.is_file() and _SKIP_PARTS.isdisjoint(p.parts):
                yield p


def inputs_fingerprint(root: Path = PROJECT_ROOT) -> str:
    """Hash of everything a notebook's outputs depend on besides its own code.

    The helpers (``src/helpers``), the declared and pinned dependencies, every
    data file (``data/`` and the raw, mappings and processed folders wherever
    ``VEILIGHEID_*`` points them), the ``VEILIGHEID_*`` and
    ``SOURCE_DATE_EPOCH`` environment variables, and the Python version.

    Parameters
    ----------
    root : pathlib.Path
        The project folder.

    Returns
    -------
    str
        A SHA-256 hex digest.
    """
    root = Path(root)
    digest = hashlib.sha256()

    def add(label: str, payload: bytes) -> None:
        digest.update(label.encode("utf-8") + b"\0" + hashlib.sha256(payload).digest())

    folders = [root / name for name in CODE_INPUTS] + [root / "data"]
    folders += [config.RAW_DIR, config.MAPPINGS_DIR, config.PROCESSED_DIR]
    seen: set[Path] = set()
    for folder in folders:
        for path in _files_under(Path(folder)):
            resolved = path.resolve()
            if resolved in seen:
                continue
            seen.add(resolved)
            try:
                label = resolved.relative_to(root.resolve()).as_posix()
            except ValueError:
                label = str(resolved)
            add(label, path.read_bytes())
    env = {k: v for k, v in os.environ.items() if k.startswith(ENV_PREFIX) or k in ENV_INPUTS}
    add("environment", json.dumps(env, sort_keys=True).encode("utf-8"))
    add("python", f"{sys.version} {platform.platform()} {sys.prefix}".encode())
    return digest.hexdigest()


# ---------------------------------------------------------------------------
# Executing
# ---------------------------------------------------------------------------


def _timeout(root: Path = PROJECT_ROOT) -> int:
    """Seconds allowed per cell: ``execute.timeout`` of ``_config.yml`` (as the book)."""
    cfg = yaml.safe_load((Path(root) / "_config.yml").read_text(encoding="utf-8")) or {}
    return int((cfg.get("execute") or {}).get("timeout") or 600)


def execute_notebook(
    nb: nbformat.NotebookNode, path: Path, timeout: int | None = None
) -> Execution:
    """Execute a notebook in its own folder, as Jupyter Book does.

    The call is the one myst-nb makes in ``cache`` mode (jupyter-cache's
    ``single_nb_execution``: nbclient, the notebook's kernel, no errors
    allowed unless the notebook's metadata allows them), except that the
    kernel is stopped at once after the last cell.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        The notebook, executed in place (stored outputs cleared first).
    path : pathlib.Path
        Its file; the kernel runs in ``path.parent``.
    timeout : int, optional
        Seconds per cell; default ``execute.timeout`` of ``_config.yml``.

    Returns
    -------
    Execution
    """
    from jupyter_cache.executors.utils import single_nb_execution

    path = Path(path)
    timeout = _timeout() if timeout is None else timeout
    _set_kernel_env()
    # Cells after a failing one are not run: they must not keep stored outputs.
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    start = time.perf_counter()
    try:
        result = single_nb_execution(
            nb,
            cwd=str(path.parent),
            timeout=timeout,
            allow_errors=False,
            meta_override=True,
            # Every output has arrived when the last cell is done: stopping the
            # kernel at once instead of a graceful shutdown saves about a
            # second per notebook (measured: 44 s instead of 56 s for 23).
            shutdown_kernel="immediate",
        )
        error = result.exc_string
    except Exception:  # a kernel that dies or cannot start is a failure of this notebook
        error = traceback.format_exc()
    return Execution(path, nb, time.perf_counter() - start, error)


def _set_kernel_env() -> None:
    """Give the kernels (which inherit this process's environment) the project's defaults."""
    for key, value in KERNEL_ENV_DEFAULTS.items():
        os.environ.setdefault(key, value)


def default_jobs() -> int:
    """Kernels at a time: ``KERNELS`` from the environment, else the usable cores plus one.

    One kernel more than cores keeps both cores busy while a kernel starts or
    waits for its client (measured on 2 cores: 3 kernels at a time took 29 s
    where 2 took 33 s for the same 25 notebooks).
    """
    value = os.environ.get("KERNELS", "")
    if value.isdigit() and int(value) > 0:
        return int(value)
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        cores = os.cpu_count() or 1
    return max(1, cores) + 1


def _run_parallel(tasks, jobs: int, log=print) -> list[Execution]:
    """Execute ``(path, notebook)`` tasks with ``jobs`` kernels at a time."""
    results: list[Execution] = []
    if not tasks:
        return results
    with ThreadPoolExecutor(max_workers=max(1, jobs), thread_name_prefix="kernel") as pool:
        futures = {pool.submit(execute_notebook, nb, path): path for path, nb in tasks}
        for future in as_completed(futures):
            outcome = future.result()
            status = "FAILED" if outcome.error else "ok"
            log(f"  {status:6} {outcome.seconds:6.1f} s  {_rel(outcome.path)}")
            results.append(outcome)
    return results


def _rel(path: Path) -> str:
    try:
        return Path(path).resolve().relative_to(PROJECT_ROOT.resolve()).as_posix()
    except ValueError:
        return str(path)


def _longest_first(paths: list[Path], timings: dict[str, float]) -> list[Path]:
    """Order so that the slowest notebooks (last time, else the largest) start first."""
    return sorted(paths, key=lambda p: (-timings.get(_rel(p), 0.0), -p.stat().st_size))


@contextlib.contextmanager
def _locked(cache_dir: Path):
    """One execution at a time per cache (make targets and test workers may race)."""
    cache_dir.parent.mkdir(parents=True, exist_ok=True)
    with open(cache_dir.parent / f"{cache_dir.name}.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _load_timings(cache_dir: Path) -> dict[str, float]:
    try:
        return json.loads((cache_dir.parent / TIMINGS_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def ensure_executed(
    paths: Iterable[Path] | None = None,
    cache_dir: Path = CACHE_DIR,
    jobs: int | None = None,
    log=print,
    load: bool = True,
) -> dict[Path, Execution]:
    """Make the cache current for ``paths`` and return their executions.

    A notebook already in the cache (same code cells, same
    :func:`inputs_fingerprint`) is not executed again. The others run, ``jobs``
    at a time; each successful execution is added to the cache. A failed one
    is not cached: it is returned with its error, and runs again next time.

    Parameters
    ----------
    paths : iterable of pathlib.Path, optional
        Default :func:`checked_notebooks`.
    cache_dir : pathlib.Path
        The jupyter-cache folder (default :data:`CACHE_DIR`).
    jobs : int, optional
        Kernels at a time (default :func:`default_jobs`).
    log : callable
        Receives one line per notebook executed.
    load : bool, default True
        Read the cached outputs of notebooks that need no execution; without,
        their :class:`Execution` holds the source notebook (``make execute``
        only needs the cache to be current).

    Returns
    -------
    dict
        Path to :class:`Execution`; the notebook of a cached execution is the
        source notebook with the cached outputs merged in.
    """
    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn

    paths = [Path(p).resolve() for p in (checked_notebooks() if paths is None else paths)]
    cache_dir = Path(cache_dir).resolve()
    jobs = default_jobs() if jobs is None else jobs
    _set_kernel_env()
    with _locked(cache_dir):
        fingerprint = inputs_fingerprint()
        stamp = cache_dir / FINGERPRINT_FILE
        if cache_dir.exists() and (
            not stamp.is_file() or stamp.read_text(encoding="utf-8").strip() != fingerprint
        ):
            log(f"inputs changed since {_rel(cache_dir)} was filled: emptying it")
            shutil.rmtree(cache_dir)
        cache_dir.mkdir(parents=True, exist_ok=True)
        cache = get_cache(str(cache_dir))
        stamp.write_text(fingerprint + "\n", encoding="utf-8")

        results: dict[Path, Execution] = {}
        todo = []
        for path in paths:
            nb = read_notebook(path)
            try:
                record = cache.match_cache_notebook(nb)
            except KeyError:
                todo.append((path, nb))
                continue
            if load:
                _, nb = cache.merge_match_into_notebook(nb)
            seconds = float((record.data or {}).get("execution_seconds") or 0.0)
            results[path] = Execution(path, nb, seconds)
        if todo:
            timings = _load_timings(cache_dir)
            order = _longest_first([p for p, _ in todo], timings)
            by_path = dict(todo)
            log(f"executing {len(todo)} notebook(s), {jobs} at a time")
            start = time.perf_counter()
            for outcome in _run_parallel([(p, by_path[p]) for p in order], jobs, log):
                results[outcome.path] = outcome
                timings[_rel(outcome.path)] = round(outcome.seconds, 2)
                if outcome.error is None:
                    # Cache a copy: the cache stores only the code cells.
                    cache.cache_notebook_bundle(
                        CacheBundleIn(
                            copy.deepcopy(outcome.notebook),
                            str(outcome.path),
                            data={"execution_seconds": outcome.seconds},
                        ),
                        check_validity=False,
                        overwrite=True,
                    )
            log(f"executed in {time.perf_counter() - start:.1f} s")
            _write_json_atomic(cache_dir.parent / TIMINGS_FILE, timings)
        _forget_old_records(cache, {str(p) for p in paths}, results)
    return {path: results[path] for path in paths}


def _forget_old_records(cache, uris: set[str], results: dict[Path, Execution]) -> None:
    """Drop cache records of earlier versions of these notebooks (keeps the cache small)."""
    current = set()
    for outcome in results.values():
        if outcome.error is None:
            with contextlib.suppress(KeyError):
                current.add(cache.match_cache_notebook(outcome.notebook).pk)
    for record in cache.list_cache_records():
        if record.uri in uris and record.pk not in current:
            cache.remove_cache(record.pk)


def executed_notebook(path: Path, cache_dir: Path = CACHE_DIR) -> nbformat.NotebookNode:
    """The notebook at ``path`` with the outputs of its cached execution.

    Raises
    ------
    KeyError
        When the cache holds no execution of the notebook's current code.
    """
    from jupyter_cache import get_cache

    cache = get_cache(str(Path(cache_dir).resolve()))
    _, merged = cache.merge_match_into_notebook(read_notebook(Path(path)))
    return merged


def failures_report(executions: dict[Path, Execution]) -> str:
    """Text naming each failed notebook with the end of its traceback."""
    parts = []
    for path, outcome in executions.items():
        if outcome.error:
            tail = "\n".join(_strip_ansi(outcome.error).strip().splitlines()[-25:])
            parts.append(f"{_rel(path)} failed:\n{tail}")
    return "\n\n".join(parts)


def _strip_ansi(text: str) -> str:
    return re.sub(r"\x1b\[[0-9;]*m", "", text)


# ---------------------------------------------------------------------------
# Stored outputs (make notebooks)
# ---------------------------------------------------------------------------


def _write_json_atomic(path: Path, data) -> None:
    _write_text_atomic(Path(path), json.dumps(data, indent=1, sort_keys=True) + "\n")


def _write_text_atomic(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _write_notebook(path: Path, nb: nbformat.NotebookNode) -> None:
    """Write a notebook atomically, byte for byte as ``nbformat.write`` would."""
    text = nbformat.writes(nb)
    _write_text_atomic(path, text if text.endswith("\n") else text + "\n")


def execute_in_place(path, timeout=None):
    """Execute one notebook in its own folder and save it with outputs.

    Parameters
    ----------
    path : str or pathlib.Path
        The ``.ipynb`` file.
    timeout : int, optional
        Seconds allowed per cell (default ``execute.timeout`` of ``_config.yml``).

    Returns
    -------
    pathlib.Path
        The notebook written.

    Raises
    ------
    RuntimeError
        When a cell fails; the file is then left as it was.
    """
    path = Path(path)
    outcome = execute_notebook(nbformat.read(path, as_version=4), path, timeout)
    if outcome.error:
        raise RuntimeError(f"{path} failed:\n{_strip_ansi(outcome.error)}")
    _write_notebook(path, outcome.notebook)
    return path


def write_outputs(paths: Iterable[Path] | None = None, jobs: int | None = None, log=print) -> int:
    """Execute notebooks (in parallel) and store their outputs in the files.

    A notebook's file is replaced only when every cell ran; the others are
    left as they were and reported. This execution does not go into the
    cache (see the module docstring).

    Parameters
    ----------
    paths : iterable of pathlib.Path, optional
        Default: the book's ``.ipynb`` notebooks (the template, which keeps
        no outputs, is left alone).
    jobs : int, optional
        Kernels at a time.

    Returns
    -------
    int
        The number of notebooks that failed.
    """
    if paths is None:
        paths = [p for p in book_notebooks() if p.suffix == ".ipynb"]
    paths = [Path(p).resolve() for p in paths]
    jobs = default_jobs() if jobs is None else jobs
    _set_kernel_env()
    order = _longest_first(paths, _load_timings(CACHE_DIR))
    tasks = [(p, nbformat.read(p, as_version=4)) for p in order]
    log(f"executing {len(tasks)} notebook(s), {jobs} at a time")
    outcomes = {o.path: o for o in _run_parallel(tasks, jobs, log)}
    for path in paths:
        if outcomes[path].error is None:
            _write_notebook(path, outcomes[path].notebook)
    report = failures_report(outcomes)
    if report:
        log(report)
    return sum(1 for o in outcomes.values() if o.error)


# ---------------------------------------------------------------------------
# Editions
# ---------------------------------------------------------------------------


def edition_config(
    out: Path,
    settings: dict[str, object] | None = None,
    title_suffix: str = "",
    cache_dir: Path = CACHE_DIR,
    root: Path = PROJECT_ROOT,
) -> Path:
    """Write a ``_config.yml`` for another edition that reuses the one execution.

    The project's ``_config.yml`` with ``execute.cache`` set to ``cache_dir``
    (absolute), dotted ``settings`` applied (``"sphinx.config.hide_solutions":
    True``) and ``title_suffix`` appended to the title. Build with
    ``jupyter-book build . --config OUT --path-output DIR``.

    Returns
    -------
    pathlib.Path
        ``out``.
    """
    cfg = yaml.safe_load((Path(root) / "_config.yml").read_text(encoding="utf-8"))
    cfg.setdefault("execute", {})["cache"] = str(Path(cache_dir).resolve())
    for dotted, value in (settings or {}).items():
        node = cfg
        *parents, leaf = dotted.split(".")
        for key in parents:
            node = node.setdefault(key, {})
        node[leaf] = value
    if title_suffix:
        cfg["title"] = f"{cfg.get('title', '')}{title_suffix}"
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    _write_text_atomic(out, yaml.safe_dump(cfg, allow_unicode=True, sort_keys=False))
    return out


# ---------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------


def main(argv=None) -> int:
    """Command-line entry point; returns the exit code."""
    parser = argparse.ArgumentParser(
        prog="python -m helpers.book.notebooks", description=__doc__.splitlines()[0]
    )
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("execute", help="execute what is stale into the cache")
    run.add_argument("--jobs", type=int, default=None)
    run.add_argument("--cache", type=Path, default=CACHE_DIR)
    run.add_argument(
        "--book-only",
        action="store_true",
        help="only the book's pages (default: every checked notebook, the template too)",
    )
    write = sub.add_parser("write", help="execute and store the outputs in the notebooks")
    write.add_argument("--jobs", type=int, default=None)
    write.add_argument("notebooks", nargs="*", type=Path)
    edition = sub.add_parser("config", help="write an edition's _config.yml using the cache")
    edition.add_argument("out", type=Path)
    edition.add_argument("--set", action="append", default=[], metavar="KEY=VALUE")
    edition.add_argument("--title-suffix", default="")
    edition.add_argument("--cache", type=Path, default=CACHE_DIR)
    sub.add_parser("list", help="list the notebooks that are executed")
    args = parser.parse_args(argv)

    if args.command == "execute":
        paths = book_notebooks() if args.book_only else None
        executions = ensure_executed(paths, cache_dir=args.cache, jobs=args.jobs, load=False)
        report = failures_report(executions)
        if report:
            print(report, file=sys.stderr)
            return 1
        return 0
    if args.command == "write":
        return 1 if write_outputs(args.notebooks or None, jobs=args.jobs) else 0
    if args.command == "config":
        settings = {}
        for item in args.set:
            key, _, value = item.partition("=")
            settings[key] = yaml.safe_load(value)
        edition_config(args.out, settings, args.title_suffix, args.cache)
        return 0
    for path in checked_notebooks():
        print(_rel(path))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
