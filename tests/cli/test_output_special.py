"""`-o` naming a device or FIFO writes into it: the atomic writer must not replace it with a file.

`-o /dev/null` run as root once replaced the machine's /dev/null with a regular file.
"""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

from testing import commit, github_token, run_cli


def test_output_to_a_fifo_streams_into_it_and_leaves_it_a_fifo(git_repo: Path, tmp_path: Path) -> None:
    commit(git_repo, {"app.py": f"KEY = '{github_token(seed=1)}'\n"})
    fifo = tmp_path / "report.fifo"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    result = run_cli(["scan", "--format", "json", "-o", str(fifo)], git_repo)
    reader.join(timeout=30)
    assert result.code == 1, result.err
    assert stat.S_ISFIFO(fifo.lstat().st_mode), "the FIFO was replaced by a regular file"
    assert received and b'"findings"' in received[0]
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
