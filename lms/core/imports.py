"""What a spreadsheet import reports: located errors, or the changes it made (or would make)."""

from dataclasses import dataclass, field


@dataclass
class RowChange:
    row: int  # the sheet row the change comes from
    code: str
    name: str
    created: bool
    changes: dict[str, tuple[object, object]]  # field -> (before, after)


@dataclass
class ImportResult:
    errors: list[tuple[int, str]] = field(default_factory=list)  # (row, message); 0 = the file
    changes: list[RowChange] = field(default_factory=list)
    unchanged: int = 0

    @property
    def created(self) -> int:
        return sum(change.created for change in self.changes)

    @property
    def updated(self) -> int:
        return sum(not change.created for change in self.changes)
