"""Field layouts of the five ICAO Doc 9303 machine readable zones.

Positions are 0-based offsets into the lines joined without separators, so a field on line 2 of
a TD3 starts at 44 + (ICAO position - 1).  Check digit positions are single offsets; composite
ranges are lists of slices.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Layout:
    name: str
    lines: int
    width: int
    doc_code: slice
    issuer: slice
    name_field: slice
    doc_number: slice
    doc_number_cd: int
    nationality: slice
    birth_date: slice
    birth_date_cd: int
    sex: int
    expiry_date: slice
    expiry_date_cd: int
    optional: slice
    optional_cd: int | None = None  # TD3 personal-number check digit
    optional_2: slice | None = None  # TD1 line 2 optional data
    composite_cd: int | None = None
    composite: tuple[slice, ...] = ()
    long_number: bool = False  # TD1/TD2: ICAO long document number rule

    @property
    def total(self) -> int:
        return self.lines * self.width

    def where(self, index: int) -> tuple[int, int]:
        """1-based (line, position) of a 0-based offset."""
        return index // self.width + 1, index % self.width + 1


TD1 = Layout(
    name="TD1", lines=3, width=30,
    doc_code=slice(0, 2), issuer=slice(2, 5), doc_number=slice(5, 14), doc_number_cd=14,
    optional=slice(15, 30),
    birth_date=slice(30, 36), birth_date_cd=36, sex=37, expiry_date=slice(38, 44), expiry_date_cd=44,
    nationality=slice(45, 48), optional_2=slice(48, 59), composite_cd=59,
    composite=(slice(5, 30), slice(30, 37), slice(38, 45), slice(48, 59)),
    name_field=slice(60, 90), long_number=True,
)

TD2 = Layout(
    name="TD2", lines=2, width=36,
    doc_code=slice(0, 2), issuer=slice(2, 5), name_field=slice(5, 36),
    doc_number=slice(36, 45), doc_number_cd=45, nationality=slice(46, 49),
    birth_date=slice(49, 55), birth_date_cd=55, sex=56, expiry_date=slice(57, 63), expiry_date_cd=63,
    optional=slice(64, 71), composite_cd=71,
    composite=(slice(36, 46), slice(49, 56), slice(57, 71)), long_number=True,
)

TD3 = Layout(
    name="TD3", lines=2, width=44,
    doc_code=slice(0, 2), issuer=slice(2, 5), name_field=slice(5, 44),
    doc_number=slice(44, 53), doc_number_cd=53, nationality=slice(54, 57),
    birth_date=slice(57, 63), birth_date_cd=63, sex=64, expiry_date=slice(65, 71), expiry_date_cd=71,
    optional=slice(72, 86), optional_cd=86, composite_cd=87,
    composite=(slice(44, 54), slice(57, 64), slice(65, 87)),
)

MRVA = Layout(
    name="MRVA", lines=2, width=44,
    doc_code=slice(0, 2), issuer=slice(2, 5), name_field=slice(5, 44),
    doc_number=slice(44, 53), doc_number_cd=53, nationality=slice(54, 57),
    birth_date=slice(57, 63), birth_date_cd=63, sex=64, expiry_date=slice(65, 71), expiry_date_cd=71,
    optional=slice(72, 88),
)

MRVB = Layout(
    name="MRVB", lines=2, width=36,
    doc_code=slice(0, 2), issuer=slice(2, 5), name_field=slice(5, 36),
    doc_number=slice(36, 45), doc_number_cd=45, nationality=slice(46, 49),
    birth_date=slice(49, 55), birth_date_cd=55, sex=56, expiry_date=slice(57, 63), expiry_date_cd=63,
    optional=slice(64, 72),
)

LAYOUTS = {layout.name: layout for layout in (TD1, TD2, TD3, MRVA, MRVB)}

#: Accepted spellings of format names -> canonical name.
FORMAT_ALIASES = {
    "TD1": "TD1", "TD2": "TD2", "TD3": "TD3",
    "MRVA": "MRVA", "MRV-A": "MRVA", "MRV_A": "MRVA",
    "MRVB": "MRVB", "MRV-B": "MRVB", "MRV_B": "MRVB",
}


def layout_for(name: str) -> Layout:
    try:
        return LAYOUTS[FORMAT_ALIASES[name.upper()]]
    except KeyError:
        raise ValueError(f"unknown MRZ format {name!r}; expected one of TD1, TD2, TD3, MRVA, MRVB") from None


def guess_layout(line_count: int, length: int, first_char: str) -> Layout | None:
    """Format from the number of lines, the (longest) line length and the first character."""
    if line_count == 3:
        return TD1
    if line_count == 2:
        visa = first_char == "V"
        if length < 40:
            return MRVB if visa else TD2
        return MRVA if visa else TD3
    return None
