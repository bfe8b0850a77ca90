"""Apple's Metal GPUs: minitorch has no MPS backend."""


def is_available() -> bool:
    return False


def is_built() -> bool:
    return False
