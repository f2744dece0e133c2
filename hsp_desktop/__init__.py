"""hsp-desktop: the home-school partnership desk for small special schools."""

__version__ = "0.1.0"
