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

def same_lists(lists: list[list[object]], olds: list[list[object] | tuple[object, ...]], /) -> bool:
    """Whether each list holds the very objects of its old list or tuple, in order."""

def all_empty(dicts: list[dict[str, object]], /) -> bool:
    """Whether every dict is empty."""

def splice(text: str, edits: list[tuple[int, int, str]], /) -> str:
    """*text* with sorted, non-overlapping ``(start, end, new)`` edits, in one copy."""
