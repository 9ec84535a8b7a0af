"""A report that never returns, or whose worker is killed, fails alone: the other reports still publish."""

import time

import nbformat

from analysis import config
from support import kill_worker_once_started, run_truce, truce_process

QUICK = "quick"
STUCK = "stuck"


def report_notebook(folder, name, body):
    """A minimal report notebook: report metadata, a parameters cell, then ``body``."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": config.KERNEL_NAME, "display_name": "Python (truce-monitor)",
                                 "language": "python"}
    nb.metadata["truce"] = {"title": f"Test report {name}"}
    params = nbformat.v4.new_code_cell('as_of = "latest"  # ISO date or "latest"\n'
                                       'pid_file = ""  # where the notebook writes its worker\'s process id')
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, nbformat.v4.new_code_cell(body)]
    nbformat.write(nb, folder / f"{name}.ipynb")


def notebooks(tmp_path):
    folder = tmp_path / "notebooks"
    folder.mkdir()
    report_notebook(folder, QUICK, "print('done')")
    # The kernel's parent process is the build worker running this report.
    report_notebook(folder, STUCK, "import os, time\n"
                                   "if pid_file:\n"
                                   "    open(pid_file, 'w').write(str(os.getppid()))\n"
                                   "time.sleep(10**6)")
    return folder


def test_a_report_that_never_returns_fails_at_its_deadline_and_keeps_its_page(tmp_path):
    out = tmp_path / "site"
    out.mkdir()
    (out / f"{STUCK}.html").write_text("previous page", encoding="utf-8")
    env = {config.NOTEBOOKS_DIR_ENV: str(notebooks(tmp_path))}
    started = time.monotonic()
    result = run_truce("build", "--jobs", "2", "--timeout", "5", "--out", out, env=env)
    elapsed = time.monotonic() - started
    assert result.returncode == 1, result.stderr
    assert f"{STUCK}: timed out after 5 s" in result.stderr
    assert f"{QUICK}: published" in result.stdout
    assert (out / f"{QUICK}.html").exists()
    assert (out / f"{STUCK}.html").read_text(encoding="utf-8") == "previous page"
    assert elapsed < 120


def test_killing_a_worker_fails_only_its_report(tmp_path):
    out = tmp_path / "site"
    pid_file = tmp_path / "worker.pid"
    env = {config.NOTEBOOKS_DIR_ENV: str(notebooks(tmp_path))}
    # The stuck report starts first (both are queued on one worker), so the quick one runs after the kill.
    process = truce_process("build", STUCK, QUICK, "--jobs", "1", "--timeout", "300", "-p", "pid_file", pid_file,
                            "--out", out, env=env)
    stdout, stderr = kill_worker_once_started(process, pid_file)
    assert process.returncode == 1, stderr
    assert f"{STUCK}: its worker process died" in stderr
    assert f"{QUICK}: published" in stdout
    assert (out / f"{QUICK}.html").exists() and not (out / f"{STUCK}.html").exists()
