"""minitorch.memory: freed arrays stay in the process for the next step (glibc's thresholds)."""
import os
import subprocess
import sys

import numpy as np
import pytest

import minitorch
from minitorch import memory

pytest.importorskip("resource")  # page-fault counts (Unix)

glibc = pytest.mark.skipif(memory._glibc() is None, reason="the C library is not glibc (no mallopt)")


FAULTS_OF_A_FRESH_ARRAY = """
import resource, numpy as np, minitorch
np.ones(3 << 18, dtype=np.float32)  # 3 MiB allocated, touched, freed (under NumPy's huge-page size)
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
np.ones(3 << 18, dtype=np.float32)  # the same size again
print(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
"""


def page_faults_of_a_fresh_array(keep: str) -> int:
    """Minor page faults taken while filling a 3 MiB array right after one of the same size was freed,
    in a fresh interpreter (a long-lived one has free heap blocks that hide the difference)."""
    env = dict(os.environ, MINITORCH_KEEP_FREED_MEMORY=keep)
    out = subprocess.run([sys.executable, "-c", FAULTS_OF_A_FRESH_ARRAY], env=env, capture_output=True,
                         text=True, check=True)
    return int(out.stdout)


@glibc
def test_a_freed_block_is_reused_without_page_faults():
    """Kept: the second array lands on the pages the first one left mapped (a few faults at most).
    glibc's own thresholds: it gets fresh pages, up to one fault per 4 KiB page (768; fewer where
    the kernel maps huge pages)."""
    assert page_faults_of_a_fresh_array("1") < 50
    assert page_faults_of_a_fresh_array("0") > 100


@glibc
def test_glibc_thresholds_can_be_restored_and_kept_again():
    try:
        assert memory.keep_freed_memory(False)
    finally:
        assert memory.keep_freed_memory(True)


def test_off_glibc_nothing_is_set(monkeypatch):
    monkeypatch.setattr(memory, "_glibc", lambda: None)
    assert memory.keep_freed_memory(True) is False


@pytest.mark.parametrize("value, kept", [("0", False), ("1", True)])
def test_the_environment_variable_decides_on_import(value, kept):
    if memory._glibc() is None and kept:
        pytest.skip("the C library is not glibc")
    code = "import minitorch.memory as m; print(m.keep_by_default())"
    env = dict(os.environ, MINITORCH_KEEP_FREED_MEMORY=value)
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == str(kept)


def test_importing_minitorch_keeps_freed_memory():
    assert minitorch.memory is memory
