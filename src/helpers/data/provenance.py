"""Where the processed data come from: each delivery's checksum and origin.

The processed file records, in its SPSS documents, every raw file it was
built from: name, municipality, sha256 checksum, the date SPSS saved it (the
file's header), who delivered it and when it was received (``delivered_by``
and ``delivered_on`` in its mapping, where given), and whether it is an
output of this project's generator. The book reads that record
(:func:`read_provenance`) to decide how it speaks about its data; no
setting can say otherwise.

A file counts as *generated* only when its checksum is one the generator
wrote into ``data/synthetic/checksums.csv``. Anything else is *delivered*:
a real group's file, but also a generated file opened and saved again (with
SPSS, or rewritten with pyreadstat), since its bytes changed and nothing
guarantees its content did not.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from helpers.data import codebook, config
from helpers.data.errors import DeliveryError
from helpers.data.sav import read_sav

GENERATED = "generated"
DELIVERED = "delivered"
#: Modes of a whole build: every file generated, none, or some.
MODE_GENERATED, MODE_DELIVERED, MODE_MIXED = "generated", "delivered", "mixed"
#: First document line of a provenance record (with its format version).
_MAGIC = "provenance 1"
#: SPSS document lines hold at most 80 bytes.
_LINE_BYTES = 80
#: The SPSS file label of the processed file, per mode (at most 64 bytes).
FILE_LABELS = {
    MODE_GENERATED: "Enquete, gegevens van de generator van het project",
    MODE_DELIVERED: "Enquete, gegevens zoals de groepen ze aanleverden",
    MODE_MIXED: "Enquete, gemengd: aangeleverde en gegenereerde bestanden",
}


def file_checksum(path):
    """Return the sha256 checksum of a file.

    Parameters
    ----------
    path : str or pathlib.Path

    Returns
    -------
    str
        64 hexadecimal digits.
    """
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def generator_checksums(path=None):
    """Checksums of the files the generator wrote (``data/synthetic/checksums.csv``).

    Parameters
    ----------
    path : str or pathlib.Path, optional
        Defaults to :data:`helpers.data.config.GENERATOR_CHECKSUMS`.

    Returns
    -------
    dict
        ``{sha256: file name}``; empty when the file does not exist.
    """
    path = Path(config.GENERATOR_CHECKSUMS if path is None else path)
    if not path.is_file():
        return {}
    with open(path, encoding="utf-8", newline="") as fh:
        return {row["sha256"]: row["file"] for row in csv.DictReader(fh)}


@dataclass(frozen=True)
class Delivery:
    """One raw file of a build.

    Attributes
    ----------
    file : str
        File name.
    municipality : int
        Harmonised municipality code.
    sha256 : str
        Checksum of the file as read.
    origin : str
        :data:`GENERATED` or :data:`DELIVERED`.
    saved : datetime.date or None
        The date in the file's SPSS header (when SPSS saved it).
    delivered_by : str or None
        Who delivered it (the mapping's ``delivered_by``).
    delivered_on : datetime.date or None
        When it was received (the mapping's ``delivered_on``).
    """

    file: str
    municipality: int
    sha256: str
    origin: str
    saved: dt.date | None = None
    delivered_by: str | None = None
    delivered_on: dt.date | None = None

    @property
    def received(self):
        """The date the file came in: ``delivered_on``, else the date SPSS saved it."""
        return self.delivered_on or self.saved


@dataclass(frozen=True)
class Provenance:
    """What a processed file was built from.

    Attributes
    ----------
    deliveries : tuple of Delivery
        In build order (by municipality, then file).
    missing : tuple of int
        Codebook municipalities without any file in the build.
    """

    deliveries: tuple = field(default_factory=tuple)
    missing: tuple = field(default_factory=tuple)

    @property
    def mode(self):
        """:data:`MODE_GENERATED`, :data:`MODE_DELIVERED` or :data:`MODE_MIXED`."""
        origins = {d.origin for d in self.deliveries}
        if origins == {GENERATED}:
            return MODE_GENERATED
        if GENERATED in origins:
            return MODE_MIXED
        return MODE_DELIVERED

    @property
    def generated(self):
        """True when every file is the generator's output (the synthetic book)."""
        return self.mode == MODE_GENERATED

    @property
    def municipalities(self):
        """Municipality codes with at least one file, in order."""
        return sorted({d.municipality for d in self.deliveries})


def delivery_record(path, mapping, meta=None, known=None):
    """Describe one raw file of a build.

    Parameters
    ----------
    path : str or pathlib.Path
        The raw file.
    mapping : dict
        Its validated mapping.
    meta : pyreadstat.metadata_container, optional
        Its metadata (for the date SPSS saved it).
    known : dict, optional
        :func:`generator_checksums`, if already read.

    Returns
    -------
    Delivery
    """
    known = generator_checksums() if known is None else known
    checksum = file_checksum(path)
    created = getattr(meta, "creation_time", None)
    return Delivery(
        file=Path(path).name,
        municipality=int(mapping["municipality"]),
        sha256=checksum,
        origin=GENERATED if checksum in known else DELIVERED,
        saved=created.date() if isinstance(created, dt.datetime) else None,
        delivered_by=mapping.get("delivered_by"),
        delivered_on=mapping.get("delivered_on"),
    )


def missing_municipalities(codes):
    """Codebook municipalities not among ``codes``.

    Parameters
    ----------
    codes : iterable of int

    Returns
    -------
    tuple of int
    """
    present = {int(c) for c in codes}
    return tuple(c for c in codebook.value_labels("municipality") if c not in present)


# --------------------------------------------------------------------------
# the record in the SPSS documents
# --------------------------------------------------------------------------


def _lines(key, index, value):
    """``key index value`` lines of at most 80 bytes (continued as ``key+``)."""
    out, prefix, chunk = [], f"{key} {index} ", ""
    for char in str(value):
        if len((prefix + chunk + char).encode("utf-8")) > _LINE_BYTES:
            out.append(prefix + chunk)
            prefix, chunk = f"{key}+ {index} ", ""
        chunk += char
    out.append(prefix + chunk)
    return out


def provenance_notes(provenance):
    """The SPSS document lines that record a build's provenance.

    Parameters
    ----------
    provenance : Provenance

    Returns
    -------
    list of str
        Lines of at most 80 bytes, read back by :func:`parse_provenance_notes`.
    """
    lines = [_MAGIC]
    for i, d in enumerate(provenance.deliveries, start=1):
        lines += _lines("file", i, d.file)
        lines += _lines("municipality", i, d.municipality)
        lines += _lines("sha256", i, d.sha256)
        lines += _lines("origin", i, d.origin)
        if d.saved is not None:
            lines += _lines("saved", i, d.saved.isoformat())
        if d.delivered_by is not None:
            lines += _lines("by", i, d.delivered_by)
        if d.delivered_on is not None:
            lines += _lines("received", i, d.delivered_on.isoformat())
    for code in provenance.missing:
        lines.append(f"missing {code}")
    return lines


def parse_provenance_notes(notes):
    """Read a provenance record back from SPSS document lines.

    Parameters
    ----------
    notes : list of str
        ``meta.notes`` of the processed file.

    Returns
    -------
    Provenance or None
        None when the lines hold no provenance record.
    """
    lines = [line.rstrip("\n") for line in notes or []]
    if _MAGIC not in lines:
        return None
    fields, missing = {}, []
    for line in lines[lines.index(_MAGIC) + 1 :]:
        key, _, rest = line.partition(" ")
        if key == "missing":
            missing.append(int(rest))
            continue
        index, _, value = rest.partition(" ")
        if not index.isdigit():
            continue
        record = fields.setdefault(int(index), {})
        if key.endswith("+"):
            record[key[:-1]] = record.get(key[:-1], "") + value
        else:
            record[key] = value
    deliveries = []
    for _, record in sorted(fields.items()):
        deliveries.append(
            Delivery(
                file=record["file"],
                municipality=int(record["municipality"]),
                sha256=record["sha256"],
                origin=record["origin"],
                saved=dt.date.fromisoformat(record["saved"]) if "saved" in record else None,
                delivered_by=record.get("by"),
                delivered_on=(
                    dt.date.fromisoformat(record["received"]) if "received" in record else None
                ),
            )
        )
    return Provenance(tuple(deliveries), tuple(missing))


def read_provenance(path=None):
    """Read the provenance of a processed survey file.

    Parameters
    ----------
    path : str or pathlib.Path, optional
        Defaults to :data:`helpers.data.config.SURVEY_FILE`.

    Returns
    -------
    Provenance

    Raises
    ------
    DeliveryError
        If the file is absent or carries no provenance record (it was not
        written by this pipeline, or by an older version: run ``make data``).
    """
    path = Path(config.SURVEY_FILE if path is None else path)
    _, meta = read_sav(path, metadataonly=True)
    provenance = parse_provenance_notes(getattr(meta, "notes", None))
    if provenance is None:
        raise DeliveryError(
            path.name,
            "the processed file records no provenance (which deliveries it was built "
            "from): rebuild it with 'make data'",
        )
    return provenance
