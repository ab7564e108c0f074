"""Directory's own tables, beside the backbone's event store.

``institution_identifiers`` reserves each URN and UKPRN in the same transaction as the
``InstitutionRegistered`` append, so two registrations of one school cannot both win.
``institutions`` is directory's own list view, projected inline from its events.
"""

from sqlalchemy import Column, Index, Integer, MetaData, String, Table, text

metadata = MetaData()

institution_identifiers = Table(
    "institution_identifiers",
    metadata,
    Column("scheme", String(10), primary_key=True),
    Column("identifier", String(20), primary_key=True),
    Column("institution_id", String(36), nullable=False),
)

institutions = Table(
    "institutions",
    metadata,
    Column("institution_id", String(36), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("institution_type", String(40), nullable=False),
    Column("urn", String(6)),
    Column("ukprn", String(8)),
    Column("local_authority", String(100)),
    Column("region", String(100)),
    Column("postcode", String(10)),
    # From directory_0002_institutions (the full institution record):
    Column("local_authority_code", String(9)),
    Column("careers_hub", String(200)),
    Column("trust", String(200)),
    Column("low_age", Integer),
    Column("high_age", Integer),
    Column("website", String(300)),
    Column("status", String(10), nullable=False, server_default=text("'open'")),
    Column("closed_on", String(10)),
    Column("closed_reason", String(500)),
    Column("version", Integer, nullable=False, server_default=text("1")),
    Index("ix_institutions_region", "region"),
    Index("ix_institutions_local_authority", "local_authority"),
    Index("ix_institutions_careers_hub", "careers_hub"),
    Index("ix_institutions_trust", "trust"),
    Index("ix_institutions_name", "name"),
)
