"""Open radiology teaching-case library: case model, PHI guard, media conversion, site generation."""
__version__ = "0.1.0"
