"""Officer workflows (issue #7): Excel/CSV import and export, dashboard, annual figures."""
