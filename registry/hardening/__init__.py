"""Input hardening shared by every entry point (API, forms, imports, uploads)."""
