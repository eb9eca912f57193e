"""The whole pipeline for one file: read, then extract. The one function the CLI, flows and UI call."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from spacy.language import Language

from models.document import Document
from models.record import ReportRecord
from models.settings import Settings
from pipeline.errors import InternalError, MedlegalError
from pipeline.extraction.extract import extract_record
from pipeline.extraction.nlp import build_nlp
from pipeline.reading.read import read_document

log = logging.getLogger(__name__)


@contextmanager
def stage(name: str) -> Iterator[None]:
    """Run a stage; an unexpected exception becomes an `InternalError` that names the stage."""
    try:
        yield
    except MedlegalError:
        raise
    except (KeyboardInterrupt, SystemExit, MemoryError):
        raise
    except Exception as e:
        raise InternalError(f"internal error: {type(e).__name__}: {e}", stage=name) from e


@dataclass(frozen=True)
class ProcessResult:
    """A read document and the record extracted from it."""

    document: Document
    record: ReportRecord


def process_file(path: Path, settings: Settings, nlp: Language | None = None) -> ProcessResult:
    """Read `path` and extract its record; raises a `MedlegalError` subclass on bad input."""
    with stage("read"):
        document = read_document(path, settings)
    with stage("extract"):
        record = extract_record(document, nlp or build_nlp(settings), settings)
    log.info(
        "%s (%s): %s, %d flags",
        document.filename,
        document.sha256[:12],
        record.review.status,
        len(record.review.flags),
    )
    return ProcessResult(document=document, record=record)
