"""Project-wide pytest rules.

On CI (environment variable ``CI`` set) a skipped test fails the run: every
test must run there, so a missing browser or missing data cannot hide behind
a skip. Locally, skips stay skips and are listed by ``-ra``.
"""

import os

import pytest

_SKIPPED = []


def pytest_runtest_logreport(report):
    if report.skipped and not hasattr(report, "wasxfail"):
        _SKIPPED.append(report.nodeid)


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session, exitstatus):
    if os.environ.get("CI") and _SKIPPED:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.ensure_newline()
            reporter.write_line(
                f"CI forbids skipped tests; {len(_SKIPPED)} skipped: " + ", ".join(_SKIPPED),
                red=True,
            )
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
