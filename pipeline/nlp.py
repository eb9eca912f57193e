"""build_nlp(): the spaCy pipeline (blank English plus medlegal's rules). Placeholder until the rules land."""

from __future__ import annotations

import spacy
from spacy.language import Language

from models.settings import Settings


def build_nlp(settings: Settings | None = None) -> Language:
    """A blank English pipeline with sentence boundaries."""
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return nlp
