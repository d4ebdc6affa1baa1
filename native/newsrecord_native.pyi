"""The native scanner of newsrecord (type information for the extension module)."""

class Scanner:
    """The front matter scanner, bound to newsrecord's node classes."""

    def __new__(
        cls, scalar: type[object], mapping: type[object], sequence: type[object], /, *, direct: bool
    ) -> Scanner: ...
    @property
    def direct(self) -> bool:
        """Whether node instances are made without calling ``__init__``."""

    def scan(
        self, text: str, start: int, end: int, max_depth: int, max_nodes: int, /
    ) -> object | None:
        """Return the root mapping of ``text[start:end]``, or None to use the full parser."""
