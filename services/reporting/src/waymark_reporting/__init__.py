"""Waymark reporting: read models only, rebuilt from every service's events, and the
reports careers leaders, governors, Ofsted, Careers Hubs and trusts read."""
