"""Blocking the network for the scripts that check openml-python offline: imported by
opy_reads_task.py, opy_reads_predictions.py and compare_openml_python.py (run as
`python scripts/X.py`, so scripts/ is on `sys.path`)."""

import socket


def block_network(script):
    """Makes every connection and name lookup fail, so that nothing comes from a server (a cache
    miss is an error); the error names `script`."""

    def refuse(*_args, **_kwargs):
        raise OSError(f"network access is blocked by {script}")

    socket.socket.connect = refuse
    socket.socket.connect_ex = refuse
    socket.create_connection = refuse
    socket.getaddrinfo = refuse
    socket.gethostbyname = refuse
