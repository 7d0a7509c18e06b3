"""Values a visitor can type that the portal must refuse with a message, never a 500."""


def long_email(length: int) -> str:
    """A well-formed address of exactly `length` characters (domain labels of at most 63)."""
    local, top = "a" * 64, "org"
    rest = length - len(local) - 1 - len(top)  # the domain's labels, each with its dot
    labels = []
    while rest > 64:
        labels.append("b" * 63)
        rest -= 64
    labels.append("b" * (rest - 1))
    address = f"{local}@{'.'.join([*labels, top])}"
    assert len(address) == length, len(address)
    return address
