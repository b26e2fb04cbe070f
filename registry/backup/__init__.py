"""Backup and restore of the database and the instance files (``flask backup``/``restore``)."""
