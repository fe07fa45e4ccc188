"""Run `audit_one` over many repositories: inline, in a local process pool, or on a Dask cluster.

Dask is the distributed engine (an optional extra); there is no scheduler of our own. Every path
returns the outcomes in the order of the targets, so a local run and a Dask run give the same report.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from typing import TextIO

from secret_hygiene.context import is_terminal
from secret_hygiene.errors import SecretHygieneError
from secret_hygiene.org.targets import Target
from secret_hygiene.org.work import Outcome, audit_one

Done = Callable[[Outcome], None]


def run_all(
    targets: Sequence[Target],
    *,
    cache: str,
    now: str,
    previous: Mapping[str, str],
    workers: int,
    dask: str | None,
    done: Done,
) -> list[Outcome]:
    """Audit every target and return the outcomes in target order; `done` sees each as it ends."""
    jobs = [(t, cache, now, previous.get(t.key)) for t in targets]
    if dask is not None:
        results = _on_dask(dask, jobs, done)
    elif workers <= 1 or len(jobs) <= 1:
        results = {}
        for i, job in enumerate(jobs):
            results[i] = audit_one(*job)
            done(results[i])
    else:
        results = _in_pool(workers, jobs, done)
    return [results[i] for i in range(len(jobs))]


Job = tuple[Target, str, str, str | None]


def _in_pool(workers: int, jobs: list[Job], done: Done) -> dict[int, Outcome]:
    results: dict[int, Outcome] = {}
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = {pool.submit(audit_one, *job): i for i, job in enumerate(jobs)}
        for future in as_completed(futures):
            results[futures[future]] = future.result()
            done(results[futures[future]])
    return results


def _on_dask(address: str, jobs: list[Job], done: Done) -> dict[int, Outcome]:
    try:
        from distributed import Client
        from distributed import as_completed as dask_completed
    except ImportError:
        raise SecretHygieneError(
            "--dask needs the dask extra: python -m pip install '.[dask]' in a clone of secret-hygiene"
        ) from None
    try:
        client = Client(address, timeout="60s")  # type: ignore[no-untyped-call]  # distributed ships no annotations for it
    except (OSError, TimeoutError) as exc:
        raise SecretHygieneError(f"--dask {address}: cannot reach the scheduler ({exc})") from None
    results: dict[int, Outcome] = {}
    try:
        futures = [client.submit(audit_one, *job, pure=False) for job in jobs]
        index = {f.key: i for i, f in enumerate(futures)}
        for future in dask_completed(futures):  # type: ignore[no-untyped-call]  # as above
            outcome = future.result()
            results[index[future.key]] = outcome
            done(outcome)
    finally:
        client.close()  # type: ignore[no-untyped-call]  # as above
    return results


def default_workers() -> int:
    """One worker per CPU this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)


class Progress:
    """`N/M repositories, F findings, R/s` on one terminal line; silent off a terminal or in CI."""

    def __init__(self, stream: TextIO, total: int, environ: Mapping[str, str]) -> None:
        self.on = is_terminal(stream) and not environ.get("CI")
        self.stream, self.total, self.count, self.findings = stream, total, 0, 0
        self.start = time.perf_counter()

    def __call__(self, outcome: Outcome) -> None:
        self.count += 1
        self.findings += len(outcome.rows)
        if self.on:
            rate = self.count / max(time.perf_counter() - self.start, 1e-6)
            self.stream.write(
                f"\r{self.count}/{self.total} repositories, {self.findings} finding(s), {rate:.1f}/s "
            )
            self.stream.flush()

    def close(self) -> None:
        """End the progress line."""
        if self.on and self.count:
            self.stream.write("\n")
            self.stream.flush()
