"""The catalogue's service functions in one place (views, API, admin and other apps call these)."""

from motcua.catalog.importer import ImportResult, import_procedures, validate_file
from motcua.catalog.search import SearchPage, search_procedures
from motcua.catalog.versioning import new_version, publish, retire, version_in_force

__all__ = [
    "ImportResult",
    "SearchPage",
    "import_procedures",
    "new_version",
    "publish",
    "retire",
    "search_procedures",
    "validate_file",
    "version_in_force",
]
