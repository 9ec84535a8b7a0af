"""One warm Jupyter kernel per build process, reset before each notebook.

Starting a kernel and importing pandas and Altair in it costs more than
running most report notebooks. A build process therefore keeps one kernel
and, before each notebook, clears its namespace, restarts its execution
counter at 1, and sets the environment and working directory that notebook
should see.

The kernel runs with IPython's history off and a private, empty IPYTHONDIR.
History is a SQLite file: with the counter reset, IPython reports the clash as
``ERROR! Session/line number was not unique`` in the first cell's output, which
would be published. A private profile also keeps a user's startup scripts and
settings out of the reports. The executed notebook is the same as from a fresh kernel, which
the parallel-versus-serial test checks byte for byte. A kernel that died is
replaced.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

from analysis import config

KERNEL_ARGUMENTS = ["--HistoryManager.enabled=False"]

# Run in the kernel before each notebook; string placeholders are filled with JSON literals.
PRELUDE = """\
get_ipython().run_line_magic("reset", "-f")
import os as _os
_os.environ.update({set_env})
[_os.environ.pop(_name, None) for _name in {unset_env}]
_os.chdir({cwd})
get_ipython().execution_count = 1
del _os
"""


class WarmKernel:
    """A kernel of the project's kernelspec that successive notebooks share."""

    def __init__(self):
        self._manager = None
        self._sockets = None

    def manager(self, cwd: Path, environment: dict[str, str | None]):
        """The kernel manager, started if needed and prepared for the next notebook.

        Parameters
        ----------
        cwd : Path
            The notebook's folder, its working directory.
        environment : dict
            Variables the notebook must see; ``None`` removes a variable.
        """
        from jupyter_client.blocking import BlockingKernelClient
        from jupyter_client.manager import KernelManager

        if self._manager is None or not self._manager.is_alive():
            self.shutdown()
            # Local socket files in a private folder rather than TCP ports: nothing listens on the network.
            self._sockets = tempfile.mkdtemp(prefix="truce-kernel-")
            profile = Path(self._sockets) / "ipython"
            profile.mkdir()
            # nbclient needs an asynchronous client: with a blocking one, its wait for output blocks
            # the event loop that should fire the cell timeout, and a stuck cell waits forever.
            self._manager = KernelManager(kernel_name=config.KERNEL_NAME, transport="ipc",
                                          ip=str(Path(self._sockets) / "kernel"),
                                          client_class="jupyter_client.asynchronous.AsyncKernelClient")
            self._manager.start_kernel(cwd=str(cwd), env={**os.environ, "IPYTHONDIR": str(profile)},
                                       extra_arguments=KERNEL_ARGUMENTS)
        code = PRELUDE.format(
            set_env=json.dumps({k: v for k, v in environment.items() if v is not None}, sort_keys=True),
            unset_env=json.dumps(sorted(k for k, v in environment.items() if v is None)),
            cwd=json.dumps(str(cwd)),
        )
        # With the manager as parent, the client asks it whether the kernel process lives; on its own
        # it would judge by heartbeat, which a busy machine can miss, declaring a live kernel dead.
        client = BlockingKernelClient(parent=self._manager)
        client.load_connection_info(self._manager.get_connection_info())
        client.start_channels()
        try:
            client.wait_for_ready(timeout=60)
            reply = client.execute_interactive(code, store_history=False, timeout=60, output_hook=lambda msg: None)
        finally:
            client.stop_channels()
        if reply["content"]["status"] != "ok":
            raise RuntimeError(f"could not prepare the kernel: {reply['content'].get('evalue', 'unknown error')}")
        return self._manager

    def shutdown(self) -> None:
        """Stop the kernel (even one busy in a cell) and remove its socket folder."""
        if self._manager is not None and self._manager.has_kernel:
            self._manager.shutdown_kernel(now=True)
        self._manager = None
        if self._sockets:
            shutil.rmtree(self._sockets, ignore_errors=True)
            self._sockets = None
