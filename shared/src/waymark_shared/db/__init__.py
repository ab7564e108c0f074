"""Database plumbing shared by every service: engines, backbone tables, migrations."""
