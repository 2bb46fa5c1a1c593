"""Problems as data: a stable code, where it is, and what is wrong, in one line."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Problem:
    code: str
    message: str
    severity: Severity = "error"
    file: str | None = None
    row: int | None = None
    column: str | None = None
    key: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v is not None}

    def __str__(self) -> str:
        where = ", ".join(
            part
            for part in (
                self.file,
                f"row {self.row}" if self.row is not None else None,
                f"column {self.column}" if self.column else None,
                self.key,
            )
            if part
        )
        return f"{where}: {self.message}" if where else self.message
