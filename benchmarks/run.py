"""Benchmarks of the book build and the data pipeline.

Usage (from the repository root, with the project's virtual environment)::

    .venv/bin/python benchmarks/run.py [--quick] [--repeat N] [--with-tests] [--no-peer]

Everything runs in a temporary copy of the repository (working tree,
uncommitted files included; without ``.venv``, ``_build`` and
``data/processed``), so the repository's own ``_build`` and
``data/processed`` are never read or written. The copy's ``src`` is put first
on ``PYTHONPATH`` and the ``VEILIGHEID_*`` variables point into the copy, so
the code measured is the copy's, not the editable install's.

What is measured (details and targets in ``benchmarks/README.md``):

1. in one run, each in a fresh copy: the notebooks of ``_toc.yml`` executed
   bare with nbclient, one by one (sum over the notebooks); a clean build as
   ``make book`` does it (the notebooks executed in parallel into the cache,
   then ``jupyter-book build . -W -n --keep-going``; target: at most 0.8 times
   the bare sum); and the peer, Jupyter Book 2 (``mystmd``) executing the same
   notebooks with one kernel and with two (target: our clean build at most
   1.0 times the peer with two kernels);
2. the same build again right after it, nothing changed (target: at most 10 %
   of the clean build);
3. ``helpers.data.pipeline.build_processed`` on raw folders scaled 1x, 10x and
   100x (:mod:`scale`) against a bare pyreadstat read + write of the same
   files (target: at most 3 times, and per-row time at 100x within 1.5 times
   the per-row time at 10x);
4. optionally (``--with-tests``) ``make test`` from scratch in another copy
   (fresh ``.venv``; target: at most 300 s).

Each measurement runs in its own subprocess. Times are wall-clock. Peak
memory is ``ru_maxrss`` from the operating system: for the pipeline and the
bare read/write the measuring subprocess reports
``resource.getrusage(RUSAGE_SELF)`` (its peak resident set, imports
included; the resident set after the imports is reported beside it); for the
builds, nbclient and ``make test`` the parent takes ``os.wait4``'s rusage of
the command, which is the largest peak of any single process among the
command and the descendants it waited for (e.g. a notebook kernel).

Results: ``benchmarks/results.json`` (machine-readable) and
``book/_benchmarks.md`` (Dutch table included in "Over dit boek"), both
written atomically. ``--quick`` (pipeline at 1x and 10x only, no builds)
writes ``benchmarks/results-quick.json`` and leaves the book's include file
alone, so a smoke run never replaces the published figures.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from importlib import metadata
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent

#: Targets (never tuned to the results).
#: A clean build executes the notebooks in parallel: at most 0.8 times the
#: bare execution of the same notebooks one by one.
TARGET_BUILD_RATIO = 0.8
#: ... and at most as slow as Jupyter Book 2 executing with as many kernels.
TARGET_PEER_RATIO = 1.0
TARGET_REBUILD_FRACTION = 0.10
TARGET_PIPELINE_RATIO = 3.0
TARGET_LINEAR_RATIO = 1.5
TARGET_TEST_SECONDS = 300

SCALES = (1, 10, 100)
QUICK_SCALES = (1, 10)
#: The pipeline accepts respondent ids 0-999999999999999
#: (``helpers.data.harmonise.MAX_SOURCE_ID``; ``resp_id`` is the municipality letter
#: plus the id padded to at least four digits), so a delivery can hold at most
#: this many rows. Until the limit was 0-9999, 100x did not fit and the largest
#: scale that did was measured as a stand-in (``proxy_scale``); with this
#: capacity no stand-in is needed.
ID_CAPACITY = 10**15
#: Repetitions (best of) of each pipeline and bare read/write measurement.
PIPELINE_REPEATS = 3

#: What ``make book`` runs once the data are processed: the parallel execution
#: into the cache, then the build that reads every notebook from it.
BUILD_STEPS = (
    ["python", "-m", "helpers.book.notebooks", "execute", "--book-only"],
    ["make", "--no-print-directory", "book-html"],
)
#: The peer: Jupyter Book 2 (the MyST engine, npm package ``mystmd``) executing
#: the same notebooks through a Jupyter server, one kernel at a time and with
#: PEER_KERNELS at a time. Offline its HTML theme cannot be downloaded, so the
#: measured command is the content build (``--site``), which executes every
#: notebook and writes the site's content; it ends by failing to fetch the theme.
MYSTMD_VERSION = "1.8.3"
JUPYTER_SERVER_VERSION = "2.21.1"
PEER_KERNELS = 2
#: Not copied into the measurement copies.
COPY_EXCLUDE_TOP = {
    ".venv",
    "_build",
    ".pytest_cache",
    ".jupyter_cache",
    ".mypy_cache",
    ".ruff_cache",
}
COPY_EXCLUDE_ANY = {"__pycache__", ".ipynb_checkpoints"}
KEY_PACKAGES = (
    "jupyter-book",
    "sphinx",
    "myst-nb",
    "jupyter-cache",
    "nbclient",
    "ipykernel",
    "pandas",
    "numpy",
    "pyreadstat",
    "pandera",
    "matplotlib",
    "pytest",
    "nbval",
)


# --------------------------------------------------------------------------
# Workers: run in a subprocess, print one JSON line on stdout.
# --------------------------------------------------------------------------


def _rss_kib():
    """Current resident set of this process in KiB (Linux), or None."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def _peak_kib():
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux


def _worker_pipeline(args):
    from helpers.data.pipeline import build_processed

    baseline = _rss_kib()
    start = time.perf_counter()
    merged, merge_log = build_processed(args.raw, args.mappings, args.out)
    seconds = time.perf_counter() - start
    return {
        "seconds": seconds,
        "rows_read": int(merge_log["rows_read"].sum()),
        "rows_written": int(len(merged)),
        "baseline_rss_kib": baseline,
        "peak_rss_kib": _peak_kib(),
    }


def _worker_readwrite(args):
    import pyreadstat
    from scale import sav_write_kwargs

    baseline = _rss_kib()
    paths = sorted(Path(args.raw).glob("*.sav"))
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    rows = 0
    start = time.perf_counter()
    for path in paths:
        df, meta = pyreadstat.read_sav(str(path), user_missing=True, apply_value_formats=False)
        pyreadstat.write_sav(df, str(out / path.name), **sav_write_kwargs(meta))
        rows += len(df)
    seconds = time.perf_counter() - start
    return {
        "seconds": seconds,
        "rows_read": rows,
        "files": len(paths),
        "baseline_rss_kib": baseline,
        "peak_rss_kib": _peak_kib(),
    }


def _worker_nbclient(args):
    import nbformat
    from nbclient import NotebookClient

    per_notebook = {}
    for rel in args.notebooks:
        path = Path(args.root) / rel
        nb = nbformat.read(path, as_version=4)
        kernel = nb.metadata.get("kernelspec", {}).get("name", "python3")
        start = time.perf_counter()
        NotebookClient(
            nb,
            timeout=600,
            kernel_name=kernel,
            record_timing=False,
            resources={"metadata": {"path": str(path.parent)}},
        ).execute()
        per_notebook[rel] = time.perf_counter() - start
    return {"seconds": sum(per_notebook.values()), "per_notebook": per_notebook}


def _worker_main(argv):
    parser = argparse.ArgumentParser(prog="run.py _worker")
    parser.add_argument("kind", choices=("pipeline", "readwrite", "nbclient"))
    parser.add_argument("--raw")
    parser.add_argument("--mappings")
    parser.add_argument("--out")
    parser.add_argument("--root")
    parser.add_argument("--notebooks", nargs="*", default=[])
    args = parser.parse_args(argv)
    sys.path.insert(0, str(HERE))
    result = {
        "pipeline": _worker_pipeline,
        "readwrite": _worker_readwrite,
        "nbclient": _worker_nbclient,
    }[args.kind](args)
    print("RESULT " + json.dumps(result))
    return 0


# --------------------------------------------------------------------------
# Helpers of the runner.
# --------------------------------------------------------------------------


def log(message):
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def write_text_atomic(path, text):
    """Write ``text`` to ``path`` via a temporary file in the same folder."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def copy_repository(src, dst, keep_processed=False):
    """Copy the working tree ``src`` to ``dst`` without build products.

    ``data/processed`` is left out unless ``keep_processed`` (used when
    copying the prepared base copy, whose processed data the copy needs).
    """
    src, dst = Path(src), Path(dst)

    def ignore(folder, names):
        rel = Path(folder).relative_to(src)
        skip = {n for n in names if n in COPY_EXCLUDE_ANY}
        if rel == Path("."):
            skip |= {n for n in names if n in COPY_EXCLUDE_TOP}
        if rel == Path("data") and not keep_processed:
            skip |= {"processed"} & set(names)
        if rel == Path("benchmarks"):
            skip |= {n for n in names if n.startswith("results")}
        return skip

    shutil.copytree(src, dst, ignore=ignore, symlinks=True)
    return dst


def copy_env(root, extra_path=()):
    """Environment for commands in the copy ``root``."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("VEILIGHEID_") and k not in ("PYTHONPATH", "MPLBACKEND")
    }
    root = Path(root)
    env["PYTHONPATH"] = os.pathsep.join([str(root / "src"), *map(str, extra_path)])
    env["VEILIGHEID_PROJECT_ROOT"] = str(root)
    env["VEILIGHEID_RAW_DIR"] = str(root / "data" / "raw")
    env["VEILIGHEID_MAPPINGS_DIR"] = str(root / "data" / "mappings")
    env["VEILIGHEID_PROCESSED_DIR"] = str(root / "data" / "processed")
    # As the Makefile: no build timestamps, no debugger warning in outputs.
    env["SOURCE_DATE_EPOCH"] = "1577836800"
    env["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    return env


def run_command(cmd, cwd, env, log_path):
    """Run ``cmd``; return wall seconds, exit code and peak RSS (os.wait4)."""
    log_path = Path(log_path)
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "w", encoding="utf-8") as out:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    # Load of the machine (1-minute average) when the command ended: other work
    # running at the same time inflates every time measured.
    load = round(os.getloadavg()[0], 2) if hasattr(os, "getloadavg") else None
    return {
        "seconds": seconds,
        "returncode": proc.returncode,
        "peak_rss_kib": usage.ru_maxrss,
        "log": str(log_path),
        "load_average_after": load,
    }


def run_worker(kind, cwd, env, log_path, *args):
    """Run a worker subprocess; return its JSON result plus the exit code."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "_worker", kind, *map(str, args)]
    outcome = run_command(cmd, cwd, env, log_path)
    text = Path(log_path).read_text(encoding="utf-8", errors="replace")
    lines = [ln for ln in text.splitlines() if ln.startswith("RESULT ")]
    if outcome["returncode"] != 0 or not lines:
        tail = [ln for ln in text.strip().splitlines() if ln.strip()][-1:] or ["(no output)"]
        return {
            "ok": False,
            "returncode": outcome["returncode"],
            "error": tail[0][:500],
            "log": str(log_path),
            "process_seconds": outcome["seconds"],
        }
    result = json.loads(lines[-1][len("RESULT ") :])
    result.update(
        ok=True,
        process_seconds=outcome["seconds"],
        process_peak_rss_kib=outcome["peak_rss_kib"],
        load_average_after=outcome["load_average_after"],
    )
    return result


def spread(values):
    """Summary of repeated timings: runs, best, median, worst, relative spread."""
    values = [float(v) for v in values]
    best = min(values)
    return {
        "runs": values,
        "n": len(values),
        "best": best,
        "median": statistics.median(values),
        "worst": max(values),
        "spread_pct": (max(values) - best) / best * 100 if best > 0 else 0.0,
    }


def toc_notebooks(root):
    """Notebooks (``.ipynb``) listed in ``_toc.yml``, globs resolved, in toc order."""
    import yaml

    root = Path(root)
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    entries = []

    def walk(node):
        if isinstance(node, dict):
            if "file" in node:
                entries.append(("file", node["file"]))
            if "glob" in node:
                entries.append(("glob", node["glob"]))
            if "root" in node:
                entries.append(("file", node["root"]))
            for value in node.values():
                if isinstance(value, (list, dict)):
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(toc)
    found = []
    for kind, pattern in entries:
        if kind == "file":
            candidates = (
                [root / f"{pattern}.ipynb"] if not pattern.endswith(".ipynb") else [root / pattern]
            )
        else:
            candidates = sorted(
                root.glob(pattern + ("" if pattern.endswith(".ipynb") else ".ipynb"))
            )
        for path in candidates:
            rel = path.relative_to(root).as_posix()
            if path.is_file() and rel not in found:
                found.append(rel)
    return found


def machine_facts():
    """Date, machine and software versions."""
    facts = {
        "cores": os.cpu_count(),
        "usable_cores": len(os.sched_getaffinity(0))
        if hasattr(os, "sched_getaffinity")
        else os.cpu_count(),
        "memory_gib": None,
        "cpu": None,
        "platform": platform.platform(),
        "machine": platform.machine(),
        "python": platform.python_version(),
        "load_average_at_start": list(os.getloadavg()) if hasattr(os, "getloadavg") else None,
    }
    try:
        meminfo = Path("/proc/meminfo").read_text(encoding="ascii")
        kib = int(next(ln for ln in meminfo.splitlines() if ln.startswith("MemTotal")).split()[1])
        facts["memory_gib"] = round(kib / 1024**2, 1)
    except (OSError, StopIteration, ValueError):
        pass
    try:
        cpuinfo = Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace")
        facts["cpu"] = next(
            ln.split(":", 1)[1].strip()
            for ln in cpuinfo.splitlines()
            if ln.startswith("model name")
        )
    except (OSError, StopIteration):
        pass
    packages = {}
    for name in KEY_PACKAGES:
        try:
            packages[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            packages[name] = None
    facts["packages"] = packages
    return facts


def source_facts():
    """Commit of the repository and whether the working tree differs from it."""

    def git(*args):
        try:
            return subprocess.run(
                ["git", *args], cwd=REPO, capture_output=True, text=True, check=True
            ).stdout.strip()
        except (OSError, subprocess.CalledProcessError):
            return None

    status = git("status", "--porcelain")
    return {
        "commit": git("rev-parse", "HEAD"),
        "uncommitted_changes": None if status is None else bool(status),
    }


# --------------------------------------------------------------------------
# Measurements.
# --------------------------------------------------------------------------


def prepare_base(workdir):
    """A copy of the repository with ``data/processed`` built from its raw files."""
    base = copy_repository(REPO, workdir / "base")
    outcome = run_command(
        [sys.executable, "-m", "helpers.data.pipeline"],
        base,
        copy_env(base),
        workdir / "logs" / "base-pipeline.log",
    )
    if outcome["returncode"] != 0:
        raise SystemExit(f"the pipeline failed in the copy; see {outcome['log']}")
    return base


def _build_command():
    """One shell command for the build steps, with the interpreter and tools of this run."""
    import shlex

    steps = []
    for step in BUILD_STEPS:
        if step[0] == "python":
            steps.append(shlex.join([sys.executable, *step[1:]]))
        else:  # make, with this run's virtual environment and interpreter
            venv = Path(sys.executable).parent.parent
            steps.append(shlex.join([*step, f"VENV={venv}", f"PYTHON={sys.executable}"]))
    return ["bash", "-c", "set -e; " + " && ".join(steps)]


def _count_in_log(path, text):
    return Path(path).read_text(encoding="utf-8", errors="replace").count(text)


def _clean_build_and_rebuild(workdir, base, cmd, i, repeat):
    """A clean build in a fresh copy, then the same command again (nothing changed)."""
    book = copy_repository(base, workdir / f"book-{i}", keep_processed=True)
    assert not (book / "_build").exists()
    env = copy_env(book)
    log(f"book {i + 1}/{repeat}: clean build (parallel execution, then jupyter-book)")
    clean = run_command(cmd, book, env, workdir / "logs" / f"build-clean-{i}.log")
    # The Makefile keeps jupyter-book's log (and fails if it executed anything).
    build_log = book / "_build" / "build.log"
    clean["build_executed"] = (
        _count_in_log(build_log, "Executing notebook") if build_log.exists() else None
    )
    log(f"book {i + 1}/{repeat}: no-change rebuild")
    rebuild = run_command(cmd, book, env, workdir / "logs" / f"build-rebuild-{i}.log")
    rebuild["build_executed"] = _count_in_log(rebuild["log"], "Executing notebook")
    rebuild["jupyter_book_skipped"] = "is up to date" in Path(rebuild["log"]).read_text(
        encoding="utf-8", errors="replace"
    )
    return clean, rebuild


def measure_book(workdir, base, repeat, peer=None):
    """Bare nbclient execution, clean build, no-change rebuild, and the peer."""
    notebooks = toc_notebooks(base)
    log(f"book: {len(notebooks)} notebooks in the toc")
    bare_runs, clean_runs, rebuild_runs = [], [], []
    peer_runs = {"serial": [], "parallel": []}
    per_notebook, failures = None, []
    cmd = _build_command()
    for i in range(repeat):
        log(f"book {i + 1}/{repeat}: executing the notebooks bare with nbclient, one by one")
        nb_copy = copy_repository(base, workdir / f"nbclient-{i}", keep_processed=True)
        bare = run_worker(
            "nbclient",
            nb_copy,
            copy_env(nb_copy, [HERE]),
            workdir / "logs" / f"nbclient-{i}.log",
            "--root",
            nb_copy,
            "--notebooks",
            *notebooks,
        )
        if not bare["ok"]:
            failures.append(f"nbclient: {bare['error']}")
        else:
            bare_runs.append(bare)
            per_notebook = bare["per_notebook"]
        clean, rebuild = _clean_build_and_rebuild(workdir, base, cmd, i, repeat)
        clean_runs.append(clean)
        rebuild_runs.append(rebuild)
        for name, run in (("clean build", clean), ("rebuild", rebuild)):
            if run["returncode"] != 0:
                failures.append(f"{name}: exit code {run['returncode']} (log {run['log']})")
            if run["build_executed"]:
                failures.append(f"{name}: jupyter-book executed {run['build_executed']} notebooks")
        if peer is not None and "error" not in peer:
            for mode, kernels in (("serial", 1), ("parallel", PEER_KERNELS)):
                log(f"book {i + 1}/{repeat}: Jupyter Book 2, {kernels} kernel(s) at a time")
                outcome = run_peer(workdir, base, peer, notebooks, kernels, f"{mode}-{i}")
                peer_runs[mode].append(outcome)
                if not outcome["ok"]:
                    failures.append(f"Jupyter Book 2 ({mode}): {outcome['error']}")
    result = {
        "notebooks": notebooks,
        "per_notebook_seconds": per_notebook,
        "failures": failures,
        "command": " && ".join(" ".join(step) for step in BUILD_STEPS),
    }
    if bare_runs:
        result["nbclient_seconds"] = spread([r["seconds"] for r in bare_runs])
        result["nbclient_peak_rss_kib"] = max(r["process_peak_rss_kib"] for r in bare_runs)
    result["load_average_after"] = {
        "nbclient": [r.get("load_average_after") for r in bare_runs],
        "clean_build": [r["load_average_after"] for r in clean_runs],
        "rebuild": [r["load_average_after"] for r in rebuild_runs],
    }
    result["clean_build_seconds"] = spread([r["seconds"] for r in clean_runs])
    result["clean_build_peak_rss_kib"] = max(r["peak_rss_kib"] for r in clean_runs)
    result["clean_build_returncodes"] = [r["returncode"] for r in clean_runs]
    result["clean_build_notebooks_executed_by_jupyter_book"] = [
        r["build_executed"] for r in clean_runs
    ]
    result["rebuild_seconds"] = spread([r["seconds"] for r in rebuild_runs])
    result["rebuild_peak_rss_kib"] = max(r["peak_rss_kib"] for r in rebuild_runs)
    result["rebuild_returncodes"] = [r["returncode"] for r in rebuild_runs]
    result["rebuild_jupyter_book_skipped"] = [r["jupyter_book_skipped"] for r in rebuild_runs]
    ok_build = all(
        r["returncode"] == 0 and not r["build_executed"] for r in clean_runs + rebuild_runs
    )
    if bare_runs:
        ratio = result["clean_build_seconds"]["best"] / result["nbclient_seconds"]["best"]
        result["build_ratio"] = ratio
        result["build_ratio_met"] = ok_build and ratio <= TARGET_BUILD_RATIO
    fraction = result["rebuild_seconds"]["best"] / result["clean_build_seconds"]["best"]
    result["rebuild_fraction"] = fraction
    result["rebuild_fraction_met"] = ok_build and fraction <= TARGET_REBUILD_FRACTION
    if peer is not None:
        result["peer"] = _peer_summary(peer, peer_runs, result, ok_build)
    return result


def _peer_summary(peer, runs, result, ok_build):
    summary = {k: v for k, v in peer.items() if k not in ("myst", "server_python", "kernels_dir")}
    summary["kernels_parallel"] = PEER_KERNELS
    if "error" in peer:
        summary["ratio_met"] = False
        return summary
    summary["load_average_after"] = {
        mode: [r.get("load_average_after") for r in mode_runs] for mode, mode_runs in runs.items()
    }
    for mode, mode_runs in runs.items():
        ok = [r for r in mode_runs if r["ok"]]
        summary[f"{mode}_runs"] = [
            {k: r.get(k) for k in ("ok", "seconds", "pages", "executed", "error", "log")}
            for r in mode_runs
        ]
        if ok:
            summary[f"{mode}_seconds"] = spread([r["seconds"] for r in ok])
    if "parallel_seconds" in summary:
        ratio = result["clean_build_seconds"]["best"] / summary["parallel_seconds"]["best"]
        summary["ratio"] = ratio
        summary["ratio_met"] = ok_build and ratio <= TARGET_PEER_RATIO
    else:
        summary["ratio_met"] = False
    return summary


# --------------------------------------------------------------------------
# The peer: Jupyter Book 2 (mystmd).
# --------------------------------------------------------------------------


def prepare_peer(workdir):
    """Install mystmd (npm) and a Jupyter server for it; never fatal.

    The server runs in a small virtual environment of its own; its kernel
    ``python3`` is this run's interpreter (a kernelspec on ``JUPYTER_PATH``),
    so Jupyter Book 2 executes the notebooks with exactly our packages.
    """
    folder = workdir / "peer"
    folder.mkdir(parents=True, exist_ok=True)
    info = {"mystmd": MYSTMD_VERSION, "jupyter_server": JUPYTER_SERVER_VERSION}
    logs = workdir / "logs"
    npm = shutil.which("npm")
    if npm is None:
        info["error"] = "npm not found: Jupyter Book 2 (mystmd) is not measured"
        return info
    steps = [
        (
            [
                npm,
                "install",
                "--prefix",
                str(folder / "node"),
                "--no-audit",
                "--no-fund",
                f"mystmd@{MYSTMD_VERSION}",
            ],
            "peer-npm.log",
        ),
    ]
    uv = Path(sys.executable).parent / "uv"
    venv = folder / "server-venv"
    if uv.exists():
        steps += [
            ([str(uv), "venv", "--quiet", "--python", sys.executable, str(venv)], "peer-venv.log"),
            (
                [
                    str(uv),
                    "pip",
                    "install",
                    "--quiet",
                    "--python",
                    str(venv / "bin" / "python"),
                    f"jupyter-server=={JUPYTER_SERVER_VERSION}",
                ],
                "peer-server.log",
            ),
        ]
    else:
        steps += [
            ([sys.executable, "-m", "venv", str(venv)], "peer-venv.log"),
            (
                [
                    str(venv / "bin" / "python"),
                    "-m",
                    "pip",
                    "install",
                    "--quiet",
                    f"jupyter-server=={JUPYTER_SERVER_VERSION}",
                ],
                "peer-server.log",
            ),
        ]
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    for cmd, name in steps:
        outcome = run_command(cmd, folder, env, logs / name)
        if outcome["returncode"] != 0:
            info["error"] = (
                f"setting up the peer failed: {' '.join(cmd[:3])} (log {outcome['log']})"
            )
            return info
    kernels = folder / "jupyter" / "kernels" / "python3"
    kernels.mkdir(parents=True, exist_ok=True)
    (kernels / "kernel.json").write_text(
        json.dumps(
            {
                "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                "display_name": "Python 3",
                "language": "python",
            }
        ),
        encoding="utf-8",
    )
    info["myst"] = str(folder / "node" / "node_modules" / ".bin" / "myst")
    info["server_python"] = str(venv / "bin" / "python")
    info["kernels_dir"] = str(folder / "jupyter")
    info["node"] = subprocess.run(
        ["node", "--version"], capture_output=True, text=True, check=False
    ).stdout.strip()
    return info


def _free_port():
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for_server(port, token, seconds=60):
    import urllib.request

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(
                f"http://127.0.0.1:{port}/api/status?token={token}", timeout=2
            ) as response:
                if response.status == 200:
                    return True
        except OSError:
            time.sleep(0.3)
    return False


def run_peer(workdir, base, peer, notebooks, kernels, name):
    """One clean Jupyter Book 2 content build of ``notebooks`` in a fresh copy."""
    import secrets

    root = copy_repository(base, workdir / f"jb2-{name}", keep_processed=True)
    toc = "\n".join(f"    - file: {nb}" for nb in notebooks)
    (root / "myst.yml").write_text(
        f"version: 1\nproject:\n  title: Benchmark\n  toc:\n{toc}\nsite:\n  template: book-theme\n",
        encoding="utf-8",
    )
    env = copy_env(root)
    env["JUPYTER_PATH"] = peer["kernels_dir"]
    port, token = _free_port(), secrets.token_hex(16)
    server_log = open(workdir / "logs" / f"jb2-server-{name}.log", "w", encoding="utf-8")
    server = subprocess.Popen(
        [
            peer["server_python"],
            "-m",
            "jupyter_server",
            "--allow-root",
            "--no-browser",
            f"--ServerApp.token={token}",
            f"--ServerApp.port={port}",
            "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.root_dir={root}",
        ],
        cwd=root,
        env=env,
        stdout=server_log,
        stderr=subprocess.STDOUT,
    )
    try:
        if not _wait_for_server(port, token):
            return {"ok": False, "error": "the Jupyter server did not start", "seconds": None}
        env.update(JUPYTER_BASE_URL=f"http://127.0.0.1:{port}", JUPYTER_TOKEN=token)
        cmd = [peer["myst"], "build", "--execute", "--site"]
        if kernels > 1:
            cmd[3:3] = ["--execute-parallel", str(kernels)]
        outcome = run_command(cmd, root, env, workdir / "logs" / f"jb2-{name}.log")
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        server_log.close()
    text = Path(outcome["log"]).read_text(encoding="utf-8", errors="replace")
    import re

    built = re.search(r"Built (\d+) pages", text)
    executed = len(list((root / "_build" / "execute").glob("*.json")))
    outcome.update(pages=int(built.group(1)) if built else 0, executed=executed)
    # Offline the theme download fails after the content is built: expected.
    theme_only = outcome["returncode"] == 0 or "api.mystmd.org" in text
    problems = []
    if not built or outcome["pages"] != len(notebooks):
        problems.append(f"built {outcome['pages']} of {len(notebooks)} pages")
    if executed != len(notebooks):
        problems.append(f"executed {executed} of {len(notebooks)} notebooks")
    if not theme_only:
        problems.append(f"exit code {outcome['returncode']}")
    if re.search(r"(?m)^.*(Traceback|Error executing|kernel died)", text):
        problems.append("an execution error in the log")
    outcome["ok"] = not problems
    outcome["error"] = "; ".join(problems) + f" (log {outcome['log']})" if problems else None
    shutil.rmtree(root, ignore_errors=True)
    return outcome


def measure_pipeline(workdir, base, scales):  # noqa: PLR0915 - one measurement, told in order
    """Pipeline against bare pyreadstat read + write at each scale."""
    sys.path.insert(0, str(HERE))
    env = copy_env(base, [HERE])
    raw, mappings = base / "data" / "raw", base / "data" / "mappings"
    # Scaling runs in a subprocess too, with the copy's helpers.
    max_rows = int(
        subprocess.run(
            [
                sys.executable,
                "-c",
                "import scale,sys; print(scale.max_rows_per_file(sys.argv[1]))",
                str(raw),
            ],
            cwd=HERE,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    )
    feasible = ID_CAPACITY // max_rows
    scales = list(scales)
    proxy = None
    if max(scales) > feasible and max(scales) > 10 and feasible > 10:
        proxy = feasible
        scales.append(proxy)
    out = {
        "id_capacity_per_file": ID_CAPACITY,
        "max_rows_per_raw_file": max_rows,
        "largest_feasible_scale": feasible,
        "proxy_scale": proxy,
        "repeats": PIPELINE_REPEATS,
        "scales": {},
    }
    for k in scales:
        folder = workdir / "scaled" / f"x{k}"
        log(f"pipeline: scaling the raw files {k}x")
        start = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                "-c",
                "import scale,sys; scale.scale_raw_folder(*sys.argv[1:4], int(sys.argv[4]))",
                str(raw),
                str(mappings),
                str(folder),
                str(k),
            ],
            cwd=HERE,
            env=env,
            check=True,
        )
        scaling_seconds = time.perf_counter() - start
        pipe, bare = [], []
        for i in range(PIPELINE_REPEATS):
            log(f"pipeline: {k}x run {i + 1}/{PIPELINE_REPEATS}")
            pipe.append(
                run_worker(
                    "pipeline",
                    HERE,
                    env,
                    workdir / "logs" / f"pipeline-x{k}-{i}.log",
                    "--raw",
                    folder,
                    "--mappings",
                    mappings,
                    "--out",
                    workdir / "scaled" / f"out-x{k}-{i}",
                )
            )
            bare.append(
                run_worker(
                    "readwrite",
                    HERE,
                    env,
                    workdir / "logs" / f"readwrite-x{k}-{i}.log",
                    "--raw",
                    folder,
                    "--out",
                    workdir / "scaled" / f"bare-x{k}-{i}",
                )
            )
            shutil.rmtree(workdir / "scaled" / f"bare-x{k}-{i}", ignore_errors=True)
            if not pipe[-1]["ok"]:
                break  # a failure is deterministic: do not repeat it
        entry = {
            "scale": k,
            "scaling_seconds": scaling_seconds,
            "load_average_after": [r.get("load_average_after") for r in pipe + bare],
        }
        ok_bare = [r for r in bare if r["ok"]]
        if ok_bare:
            entry["rows"] = ok_bare[0]["rows_read"]
            entry["readwrite_seconds"] = spread([r["seconds"] for r in ok_bare])
            entry["readwrite_peak_rss_kib"] = max(r["peak_rss_kib"] for r in ok_bare)
            entry["readwrite_baseline_rss_kib"] = ok_bare[0]["baseline_rss_kib"]
        ok_pipe = [r for r in pipe if r["ok"]]
        if len(ok_pipe) == len(pipe):
            entry["pipeline_ok"] = True
            entry["rows_written"] = ok_pipe[0]["rows_written"]
            entry["pipeline_seconds"] = spread([r["seconds"] for r in ok_pipe])
            entry["pipeline_peak_rss_kib"] = max(r["peak_rss_kib"] for r in ok_pipe)
            entry["pipeline_baseline_rss_kib"] = ok_pipe[0]["baseline_rss_kib"]
            if ok_bare:
                entry["ratio"] = (
                    entry["pipeline_seconds"]["best"] / entry["readwrite_seconds"]["best"]
                )
                entry["ratio_met"] = entry["ratio"] <= TARGET_PIPELINE_RATIO
                entry["pipeline_seconds_per_row"] = (
                    entry["pipeline_seconds"]["best"] / entry["rows"]
                )
                entry["readwrite_seconds_per_row"] = (
                    entry["readwrite_seconds"]["best"] / entry["rows"]
                )
        else:
            failed = next(r for r in pipe if not r["ok"])
            entry["pipeline_ok"] = False
            entry["pipeline_error"] = failed["error"]
            entry["ratio_met"] = False
        out["scales"][str(k)] = entry
        shutil.rmtree(folder, ignore_errors=True)
        for i in range(PIPELINE_REPEATS):
            shutil.rmtree(workdir / "scaled" / f"out-x{k}-{i}", ignore_errors=True)

    def per_row(k):
        entry = out["scales"].get(str(k), {})
        return entry.get("pipeline_seconds_per_row")

    if per_row(1) and per_row(max(SCALES)):
        out["per_row_ratio_100x_vs_1x"] = per_row(max(SCALES)) / per_row(1)
    top = max(s for s in scales if s != proxy)
    if per_row(10) and top > 10:
        if per_row(top):
            out["linear_ratio"] = per_row(top) / per_row(10)
            out["linear_met"] = out["linear_ratio"] <= TARGET_LINEAR_RATIO
        else:
            out["linear_ratio"] = None
            out["linear_met"] = False
        if proxy and per_row(proxy):
            out["proxy_linear_ratio"] = per_row(proxy) / per_row(10)
            out["proxy_linear_met"] = out["proxy_linear_ratio"] <= TARGET_LINEAR_RATIO
            out["per_row_ratio_proxy_vs_1x"] = per_row(proxy) / per_row(1) if per_row(1) else None
    return out


def measure_tests(workdir):
    """``make test`` from scratch (fresh .venv, no _build, no data/processed)."""
    root = copy_repository(REPO, workdir / "tests")
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("VEILIGHEID_") and k not in ("PYTHONPATH", "VIRTUAL_ENV", "MPLBACKEND")
    }
    env["CI"] = env.get("CI", "1")
    venv_bin = str(Path(sys.executable).parent)
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if p != venv_bin)
    log("make test from scratch (fresh .venv in the copy)")
    run = run_command(["make", "test"], root, env, workdir / "logs" / "make-test.log")
    text = Path(run["log"]).read_text(encoding="utf-8", errors="replace").strip().splitlines()
    summary = next((ln for ln in reversed(text) if " passed" in ln or " failed" in ln), None)
    return {
        "seconds": run["seconds"],
        "returncode": run["returncode"],
        "peak_rss_kib": run["peak_rss_kib"],
        "pytest_summary": summary,
        "load_average_after": run["load_average_after"],
        "met": run["returncode"] == 0 and run["seconds"] <= TARGET_TEST_SECONDS,
        "note": "fresh .venv created by make (uv installs the pins; it downloads unless "
        "its cache holds them); CI=1 as in .ci/run",
    }


# --------------------------------------------------------------------------
# Dutch include file.
# --------------------------------------------------------------------------


def nl(x, digits=1):
    """Flemish number notation: decimal comma, point between thousands."""
    text = f"{x:,.{digits}f}"
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def _sec(seconds):
    if seconds >= 600:
        return f"{nl(seconds / 60, 1)} min"
    if seconds >= 10:
        return f"{nl(seconds, 0)} s"
    if seconds >= 1:
        return f"{nl(seconds, 1)} s"
    return f"{nl(seconds * 1000, 0)} ms"


def _mib(kib):
    return f"{nl(kib / 1024, 0)} MiB"


def _yes(flag):
    return "ja" if flag else "nee"


def _spread_text(s):
    if s["n"] < 2:
        return ""
    return f", spreiding {nl(s['spread_pct'], 0)} % over {s['n']} runs"


def render_markdown(results):
    """The Dutch include file ``book/_benchmarks.md`` (deterministic)."""
    rows = []
    book = results.get("book")
    if book:
        if "build_ratio" in book:
            c, b = book["clean_build_seconds"], book["nbclient_seconds"]
            result = (
                f"{_sec(c['best'])} tegen {_sec(b['best'])} voor "
                f"{len(book['notebooks'])} notebooks: {nl(book['build_ratio'], 2)} keer"
            )
            if book["failures"]:
                result += " (bouw mislukt)"
            rows.append(
                (
                    "Schone bouw van het boek (`make book`: de notebooks parallel uitvoeren, "
                    "dan bouwen) tegenover dezelfde notebooks kaal na elkaar uitvoeren (nbclient)",
                    result,
                    f"hoogstens {nl(TARGET_BUILD_RATIO, 1)} keer",
                    _yes(book["build_ratio_met"]),
                )
            )
        peer = book.get("peer")
        if peer:
            what = (
                f"Schone bouw tegenover Jupyter Book 2 (mystmd {peer['mystmd']}) met "
                f"{peer['kernels_parallel']} kernels tegelijk"
            )
            if "ratio" in peer:
                result = (
                    f"{_sec(book['clean_build_seconds']['best'])} tegen "
                    f"{_sec(peer['parallel_seconds']['best'])}: {nl(peer['ratio'], 2)} keer"
                )
                if "serial_seconds" in peer:
                    result += (
                        f" (Jupyter Book 2 met één kernel: {_sec(peer['serial_seconds']['best'])})"
                    )
            else:
                result = "niet gemeten (" + (peer.get("error") or "de bouw mislukte") + ")"
            rows.append(
                (
                    what,
                    result,
                    f"hoogstens {nl(TARGET_PEER_RATIO, 1)} keer",
                    _yes(peer["ratio_met"]),
                )
            )
        r = book["rebuild_seconds"]
        rows.append(
            (
                "Herbouw zonder wijziging tegenover de schone bouw",
                f"{_sec(r['best'])}: {nl(book['rebuild_fraction'] * 100, 1)} %",
                f"hoogstens {nl(TARGET_REBUILD_FRACTION * 100, 0)} %",
                _yes(book["rebuild_fraction_met"]),
            )
        )
    pipe = results.get("pipeline")
    if pipe:
        proxy = pipe.get("proxy_scale")
        for key, e in pipe["scales"].items():
            k = int(key)
            what = (
                f"Pijplijn bij {k}x de gegevens ({nl(e.get('rows', 0), 0)} rijen) "
                "tegenover kaal lezen en schrijven met pyreadstat"
            )
            if k == proxy:
                what = (
                    f"Pijplijn bij {k}x, de grootste schaal binnen de nummerlimiet "
                    f"({nl(e.get('rows', 0), 0)} rijen), tegenover kaal lezen en schrijven"
                )
            if e.get("pipeline_ok"):
                result = (
                    f"{_sec(e['pipeline_seconds']['best'])} tegen "
                    f"{_sec(e['readwrite_seconds']['best'])}: {nl(e['ratio'], 1)} keer; "
                    f"{nl(e['pipeline_seconds_per_row'] * 1e6, 0)} µs per rij; "
                    f"piekgeheugen {_mib(e['pipeline_peak_rss_kib'])}"
                )
            else:
                result = (
                    "niet uitvoerbaar: de pijplijn aanvaardt per gemeente "
                    f"respondentnummers tot 9.999, hier zijn er tot "
                    f"{nl(pipe['max_rows_per_raw_file'] * k, 0)} nodig"
                )
            rows.append(
                (
                    what,
                    result,
                    f"hoogstens {nl(TARGET_PIPELINE_RATIO, 0)} keer",
                    _yes(e.get("ratio_met")),
                )
            )
        if "linear_ratio" in pipe:
            top = max(k for k in map(int, pipe["scales"]) if k != proxy)
            result = (
                f"{nl(pipe['linear_ratio'], 2)} keer"
                if pipe["linear_ratio"] is not None
                else f"niet meetbaar (de pijplijn liep niet bij {top}x)"
            )
            rows.append(
                (
                    f"Lineaire groei: tijd per rij bij {top}x tegenover 10x",
                    result,
                    f"hoogstens {nl(TARGET_LINEAR_RATIO, 1)} keer",
                    _yes(pipe["linear_met"]),
                )
            )
        if "proxy_linear_ratio" in pipe:
            rows.append(
                (
                    f"Lineaire groei: tijd per rij bij {proxy}x tegenover 10x "
                    f"(in de plaats van {max(SCALES)}x)",
                    f"{nl(pipe['proxy_linear_ratio'], 2)} keer",
                    f"hoogstens {nl(TARGET_LINEAR_RATIO, 1)} keer",
                    _yes(pipe["proxy_linear_met"]),
                )
            )
    tests = results.get("tests")
    if tests:
        result = _sec(tests["seconds"])
        if tests["returncode"] != 0:
            result += f" (mislukt, exitcode {tests['returncode']})"
        rows.append(
            (
                "`make test` vanaf nul (nieuwe omgeving, boek, alle tests)",
                result,
                f"hoogstens {nl(TARGET_TEST_SECONDS, 0)} s",
                _yes(tests["met"]),
            )
        )
    m = results["machine"]
    pk = m["packages"]
    lines = [
        "% Written by benchmarks/run.py from benchmarks/results.json; do not edit by hand.",
        "",
        "| Meting | Resultaat | Doel | Gehaald |",
        "| --- | --- | --- | --- |",
    ]
    lines += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows]
    lines += [
        "",
        f"Gemeten op {results['date']} met `python benchmarks/run.py` op een machine met "
        f"{m['cores']} processorkernen en {nl(m['memory_gib'] or 0, 0)} GiB geheugen "
        f"({m['machine']}), Python {m['python']}, Jupyter Book {pk.get('jupyter-book')}, "
        f"Sphinx {pk.get('sphinx')}, pandas {pk.get('pandas')} en pyreadstat "
        f"{pk.get('pyreadstat')}. De schone bouw, de kale uitvoering en Jupyter Book 2 "
        "lopen in dezelfde meting, elk in een eigen verse kopie van de repository; "
        "Jupyter Book 2 bouwt offline alleen de inhoud van de site (zijn HTML-thema is een "
        "download) en voert daarvoor elk notebook uit. Tijden zijn de snelste van de "
        "herhaalde runs; "
        "piekgeheugen is het grootste residente geheugen van het meetproces "
        "(`ru_maxrss`). De gegevens zijn synthetisch; een groter bestand ontstaat door "
        "elke rij van elk ruw bestand te herhalen met een nieuw respondentnummer.",
        "",
    ]
    load = _max_load(results)
    if load is not None and m.get("cores") and load > m["cores"]:
        lines[-1:-1] = [
            "",
            f"Tijdens de meting draaide er ander werk op de machine (belasting tot "
            f"{nl(load, 1)} bij {m['cores']} kernen): de tijden zijn daardoor hoger en minder "
            "stabiel dan op een rustige machine.",
        ]
    return "\n".join(lines)


def _max_load(node):
    """Highest load average recorded anywhere in the results, or None."""
    found = []

    def walk(value, key=""):
        if isinstance(value, dict):
            for k, v in value.items():
                walk(v, k)
        elif isinstance(value, list):
            for v in value:
                walk(v, key)
        elif key.startswith("load_average") and isinstance(value, (int, float)):
            found.append(float(value))

    walk(node)
    return max(found) if found else None


# --------------------------------------------------------------------------
# Main.
# --------------------------------------------------------------------------


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "_worker":
        return _worker_main(argv[1:])
    parser = argparse.ArgumentParser(
        prog="python benchmarks/run.py", description="Benchmark the book build and the pipeline."
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="pipeline at 1x and 10x only, no book builds; writes "
        "benchmarks/results-quick.json and not the book's include file",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="number of clean builds / rebuilds / nbclient runs (default 1)",
    )
    parser.add_argument(
        "--no-peer",
        action="store_true",
        help="leave out Jupyter Book 2 (needs npm and the npm registry)",
    )
    parser.add_argument(
        "--with-tests",
        action="store_true",
        help="also time `make test` from scratch in another copy",
    )
    parser.add_argument(
        "--workdir", type=Path, help="folder for the copies (default: a new temporary folder)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the workdir afterwards")
    parser.add_argument("--results", type=Path, help="results file (JSON)")
    parser.add_argument("--include", type=Path, help="Markdown include file")
    parser.add_argument(
        "--render-only",
        action="store_true",
        help="measure nothing: rewrite the include file from the results file",
    )
    args = parser.parse_args(argv)

    if args.render_only:
        results_path = args.results or HERE / "results.json"
        include_path = args.include or REPO / "book" / "_benchmarks.md"
        results = json.loads(results_path.read_text(encoding="utf-8"))
        write_text_atomic(include_path, render_markdown(results))
        log(f"wrote {include_path} from {results_path}")
        return 0

    results_path = args.results or (HERE / ("results-quick.json" if args.quick else "results.json"))
    include_path = args.include or (None if args.quick else REPO / "book" / "_benchmarks.md")
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="veiligheid-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    log(f"workdir {workdir}")
    started = dt.datetime.now(dt.UTC)
    results = {
        "date": started.date().isoformat(),
        "started_utc": started.isoformat(timespec="seconds"),
        "mode": "quick" if args.quick else "full",
        "machine": machine_facts(),
        "source": source_facts(),
        "targets": {
            "build_ratio_max": TARGET_BUILD_RATIO,
            "peer_ratio_max": TARGET_PEER_RATIO,
            "rebuild_fraction_max": TARGET_REBUILD_FRACTION,
            "pipeline_ratio_max": TARGET_PIPELINE_RATIO,
            "linear_per_row_ratio_max": TARGET_LINEAR_RATIO,
            "make_test_seconds_max": TARGET_TEST_SECONDS,
        },
        "methods": {
            "time": "wall clock (time.perf_counter); pipeline and read/write timed inside "
            "their subprocess after imports, builds and nbclient as whole commands",
            "memory": "ru_maxrss in KiB: resource.getrusage(RUSAGE_SELF) of the measuring "
            "subprocess for pipeline and read/write; os.wait4 rusage (largest "
            "single process among the command and its waited-for descendants) "
            "for builds, nbclient and make test",
            "repeats": f"pipeline and read/write best of {PIPELINE_REPEATS}; builds, "
            f"nbclient and Jupyter Book 2 {args.repeat} time(s)",
            "clean build": "in a fresh copy with data/processed built and no _build: "
            + " && ".join(" ".join(step) for step in BUILD_STEPS)
            + " (what `make book` runs after `make data`)",
            "peer": f"Jupyter Book 2 (npm mystmd {MYSTMD_VERSION}) in another fresh copy: "
            "myst build --execute [--execute-parallel N] --site with a myst.yml listing the "
            "same notebooks, through a Jupyter server whose python3 kernel is this "
            "interpreter; a content build (the HTML theme is a download)",
        },
    }
    try:
        base = prepare_base(workdir)
        if not args.quick:
            peer = None if args.no_peer else prepare_peer(workdir)
            results["book"] = measure_book(workdir, base, max(1, args.repeat), peer)
        results["pipeline"] = measure_pipeline(
            workdir, base, QUICK_SCALES if args.quick else SCALES
        )
        if args.with_tests:
            results["tests"] = measure_tests(workdir)
    finally:
        if not args.keep and args.workdir is None:
            # Keep only the logs (small), which failures in the results point to.
            for entry in workdir.iterdir():
                if entry.name != "logs":
                    shutil.rmtree(entry, ignore_errors=True)
            log(f"logs kept in {workdir / 'logs'}")
    results["finished_utc"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    write_text_atomic(results_path, json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    log(f"wrote {results_path}")
    if include_path is not None:
        write_text_atomic(include_path, render_markdown(results))
        log(f"wrote {include_path}")
    print(render_markdown(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
