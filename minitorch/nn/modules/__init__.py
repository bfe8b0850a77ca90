"""The layers of ``minitorch.nn``, one file per kind."""
