"""Survey files: XLSForm forms and their Kobo/ODK exports (CSV, XLSX, JSON)."""
