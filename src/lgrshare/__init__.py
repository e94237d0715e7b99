"""LGR Share."""

__version__ = "0.1.0"
