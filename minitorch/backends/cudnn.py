"""cuDNN settings scripts set for reproducibility or speed (``cudnn.deterministic = True``,
``cudnn.benchmark = False``). minitorch does not call cuDNN, so they are kept and have no effect."""

deterministic = False
benchmark = False
enabled = True
allow_tf32 = True


def is_available() -> bool:
    return False


def version() -> None:
    return None
