"""altgen: an independent generator of synthetic California workers' compensation medical-legal reports."""

from .generate import generate

__all__ = ["generate"]
