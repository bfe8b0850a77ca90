"""minitorch.memory: freed arrays stay in the process for the next step (glibc's thresholds)."""
import os
import subprocess
import sys

import numpy as np
import pytest

import minitorch
from minitorch import memory

resource = pytest.importorskip("resource")  # page-fault counts (Unix)

glibc = pytest.mark.skipif(memory._glibc() is None, reason="the C library is not glibc (no mallopt)")


def page_faults_of_a_fresh_array(megabytes: int = 4) -> int:
    """Minor page faults taken while filling a new array, after one of the same size was freed."""
    np.ones(megabytes << 18, dtype=np.float32)  # allocated, touched, freed
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    np.ones(megabytes << 18, dtype=np.float32)
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before


@glibc
def test_a_freed_block_is_reused_without_page_faults():
    """Kept: the second 4 MiB array lands on the pages the first one left mapped (a few faults at
    most). glibc's initial thresholds: it gets fresh pages, one fault per 4 KiB page (1,024)."""
    try:
        memory.keep_freed_memory(False)
        assert page_faults_of_a_fresh_array() > 500
        memory.keep_freed_memory(True)
        page_faults_of_a_fresh_array()  # the heap grows once
        assert page_faults_of_a_fresh_array() < 50
    finally:
        memory.keep_freed_memory(True)


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
