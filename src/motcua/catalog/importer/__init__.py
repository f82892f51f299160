"""Import of the national procedure catalogue (JSON, CSV, XLSX); see docs/import-format.md."""

from motcua.catalog.importer.service import ImportResult, format_error, import_procedures, validate_file

__all__ = ["ImportResult", "format_error", "import_procedures", "validate_file"]
