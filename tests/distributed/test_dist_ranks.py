"""minitorch.distributed across real processes: each test launches ranks with MPI's ``mpiexec``.

The scenarios live in ``dist_workers.py``; rank 0 prints ``ok NAME on N ranks`` for each one
that passed on every rank. Skipped where mpi4py or mpiexec is missing
(``pip install -e ".[distributed]"`` installs both).
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytest.importorskip("mpi4py")

WORKERS = Path(__file__).with_name("dist_workers.py")
SCENARIOS = ["collectives", "mismatches", "ddp_equivalence", "ddp_features", "sampler"]


def launcher(name: str = "mpiexec") -> str:
    """The MPI launcher next to this Python (where pip puts mpich's), else the one on PATH."""
    beside = Path(sys.executable).parent / name
    found = str(beside) if beside.exists() else shutil.which(name)
    if found is None:
        pytest.skip(f"{name} not found (pip install -e '.[distributed]' installs mpich's)")
    return found


def run_ranks(count: int, *scenarios: str, launcher_name: str = "mpiexec", flags: tuple = (),
              timeout: float = 120) -> subprocess.CompletedProcess:
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1",
               OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")  # Open MPI refuses root otherwise
    command = [launcher(launcher_name), *flags, "-n", str(count), sys.executable, str(WORKERS), *scenarios]
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout, env=env)


def assert_failed_within_the_timeout(done: subprocess.CompletedProcess) -> None:
    """Rank 0 raised after its 1 s timeout (plus what a loaded machine adds), not much later."""
    found = re.search(r"rank 0 raised DistBackendError after (\d+\.\d) s", done.stdout)
    assert found, done.stdout + done.stderr
    assert 1.0 <= float(found.group(1)) < 10


@pytest.mark.parametrize("ranks", [1, 2])
def test_scenarios(ranks):
    done = run_ranks(ranks, *SCENARIOS)
    assert done.returncode == 0, done.stdout + done.stderr
    for name in SCENARIOS:
        assert f"ok {name} on {ranks} ranks" in done.stdout, done.stdout + done.stderr


@pytest.mark.slow
def test_scenarios_on_4_ranks():
    done = run_ranks(4, *SCENARIOS)
    assert done.returncode == 0, done.stdout + done.stderr
    for name in SCENARIOS:
        assert f"ok {name} on 4 ranks" in done.stdout, done.stdout + done.stderr


def test_a_hung_rank_makes_the_others_fail_within_the_timeout():
    start = time.monotonic()
    done = run_ranks(2, "hung_rank", timeout=60)
    assert done.returncode != 0
    assert_failed_within_the_timeout(done)
    assert "all_reduce (comparing the ranks' calls) timed out after 1 s" in done.stdout
    # the hung rank sleeps 60 s, so ending sooner shows MPI_Abort took it down (MPICH's own
    # "MPI_Abort" line on stderr is not always written before mpiexec exits: not checked)
    assert time.monotonic() - start < 50


def test_a_killed_rank_makes_the_others_fail_within_the_timeout():
    """Under MPICH's gforker launcher the survivors keep running, so the timeout must catch it."""
    done = run_ranks(2, "killed_rank", launcher_name="mpiexec.gforker", timeout=60)
    assert done.returncode != 0
    assert_failed_within_the_timeout(done)


def test_a_killed_rank_ends_the_job_under_the_default_launcher():
    """Hydra (mpiexec) itself ends every rank as soon as one dies: nothing hangs either way."""
    start = time.monotonic()
    done = run_ranks(2, "killed_rank", timeout=60)
    assert done.returncode != 0
    assert time.monotonic() - start < 30


def test_a_torchrun_environment_that_disagrees_with_mpi_is_an_error():
    """torchrun-style variables say 2 ranks, but the process was not started by mpiexec."""
    code = "import minitorch.distributed as dist; dist.init_process_group('mpi')"
    env = dict(os.environ, WORLD_SIZE="2", RANK="1", PYTHONPATH=str(WORKERS.parents[2]))
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, env=env)
    assert done.returncode != 0
    assert "world_size is 2, but the mpi backend sees 1 process (launch with `mpiexec -n N" in done.stderr
