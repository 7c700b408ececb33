"""Seeded synthetic region in the official GIS ZhKKh / Rosreestr formats, with its ground truth.

    from generator import generate_region
    generate_region(Path("demo/landing"), premises=5000, seed=7)
"""
from .api import KINDS, generate_region
from .noise import NOISE_DEFAULTS

__all__ = ["generate_region", "KINDS", "NOISE_DEFAULTS"]
