"""De-duplication of person records: matching table, Splink model, clustering, quality."""

from .frame import matching_table
from .linkage import LinkOptions, LinkResult, find_duplicates
from .quality import Quality, cluster_quality

__all__ = [
    "LinkOptions",
    "LinkResult",
    "Quality",
    "cluster_quality",
    "find_duplicates",
    "matching_table",
]
