"""opendtm: track vulnerable migrants and the help they receive."""

__version__ = "0.1.0"
