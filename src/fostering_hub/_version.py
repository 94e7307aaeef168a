__version__ = "0.1.0"
"""The installed fostering-hub version."""
