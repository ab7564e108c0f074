"""Activity providers' tables, on directory's shared ``metadata``, projected inline.

``providers`` holds every provider whatever its state (the moderation queue, an
editor's own listings). ``provider_search`` holds only the published ones, shaped for
the search: a grid reference with an index for the bounding box (``grid_x``, the
10 km column of the easting, then the northing: a search reads only the columns its
box spans, and within each only its northing range), national providers
under their own index, and the multi-valued filters as bitmask integers (benchmarks,
key stages, subjects, delivery) so a filter is one ``&`` on the row.
"""

from sqlalchemy import BigInteger, Boolean, Column, Float, Index, Integer, String, Table, Text

from waymark_directory.adapters.tables import metadata

providers = Table(
    "providers",
    metadata,
    Column("provider_id", String(36), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("provider_type", String(30), nullable=False),
    Column("status", String(10), nullable=False),
    Column("postcode", String(8)),
    Column("national", Boolean, nullable=False),
    Column("submitted_by", String(100)),
    Column("rejection_reason", Text),
    Column("version", Integer, nullable=False),
    Index("ix_providers_status", "status", "name"),
    Index("ix_providers_submitted_by", "submitted_by"),
)

FILTERED = ("benchmarks", "key_stages", "subjects", "delivery", "send_suitable", "cost", "provider_type")

provider_search = Table(
    "provider_search",
    metadata,
    Column("provider_id", String(36), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("summary", String(300), nullable=False),
    Column("search_text", Text, nullable=False),
    Column("provider_type", String(30), nullable=False),
    Column("cost", String(4), nullable=False),
    Column("price_band", String(20)),
    Column("delivery", Integer, nullable=False),
    Column("benchmarks", Integer, nullable=False),
    Column("key_stages", Integer, nullable=False),
    Column("subjects", BigInteger, nullable=False),
    Column("send_suitable", Boolean, nullable=False),
    Column("national", Boolean, nullable=False),
    Column("postcode", String(8)),
    Column("easting", Float),
    Column("northing", Float),
    Column("grid_x", Integer),
    Column("radius_m", Float),
    # Covering indexes: every local or national candidate is judged from the index
    # alone (no table read), so only the page's rows are fetched; free text reads rows.
    Index(
        "ix_provider_search_grid",
        "grid_x",
        "northing",
        "easting",
        "national",
        "radius_m",
        *FILTERED,
        "name",
        "provider_id",
    ),
    Index("ix_provider_search_national", "national", *FILTERED, "name", "provider_id"),
)
