"""The error table: every error path, one entry each, gathered from one file per area.

An entry is ``name: (raise_it, exception type, message pattern, torch)``: ``raise_it(lib)`` is
written once for ``lib`` = ``minitorch`` or ``torch``; minitorch must raise the exception type
with a message matching the pattern (a regular expression naming the shapes, dims or dtypes
involved). ``torch`` says what PyTorch does with the same call: ``True`` raises the same type,
an exception type (or tuple) raises that one, ``False`` is not checked (the call is not
PyTorch's, or PyTorch accepts it where minitorch deliberately does not).
``tests/errors/test_error_table.py`` runs them all.
"""
from tests.errors import core, nn, ops

ERRORS: dict = {}
for area in (core, ops, nn):
    duplicates = ERRORS.keys() & area.ERRORS.keys()
    assert not duplicates, f"error case names used twice: {duplicates}"
    ERRORS.update(area.ERRORS)
