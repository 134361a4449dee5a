"""``make lab`` starts JupyterLab with jupyterlab-myst in the project's environment.

Checked headless: the server answers and lists the MyST extension as enabled
and compatible (an extension built for another JupyterLab reports "error").
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
import urllib.request

from helpers.data.config import PROJECT_ROOT


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url):
    with urllib.request.urlopen(url, timeout=5) as response:
        return json.loads(response.read())


def test_make_lab_serves_jupyterlab_with_myst(tmp_path):
    port, token = _free_port(), "veiligheid-test"
    args = (
        f"--no-browser --ServerApp.port={port} --ServerApp.ip=127.0.0.1 "
        f"--ServerApp.token={token} --ServerApp.port_retries=0"
    )
    env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(tmp_path)}
    process = subprocess.Popen(
        ["make", "-s", "lab", f"LAB_ARGS={args}"],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline, status = time.monotonic() + 90, None
        while time.monotonic() < deadline and status is None:
            assert process.poll() is None, process.stdout.read().decode()[-2000:]
            try:
                status = _get(f"{base}/api/status?token={token}")
            except OSError:
                time.sleep(0.5)
        assert status is not None, "JupyterLab did not answer"
        extensions = {e["name"]: e for e in _get(f"{base}/lab/api/extensions?token={token}")}
        myst = extensions.get("jupyterlab-myst")
        assert myst is not None, sorted(extensions)
        assert myst["enabled"] and myst["installed"] and myst["status"] == "ok", myst
        with urllib.request.urlopen(f"{base}/lab?token={token}", timeout=10) as page:
            assert "JupyterLab" in page.read().decode()
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
