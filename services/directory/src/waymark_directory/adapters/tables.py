"""Directory's own tables, beside the backbone's event store.

``institution_identifiers`` reserves each URN and UKPRN in the same transaction as the
``InstitutionRegistered`` append, so two registrations of one school cannot both win.
``institutions`` is directory's own list view, projected inline from its events.
"""

from sqlalchemy import Column, MetaData, String, Table

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
)
