"""Page images for the document view: the archived original, drawn by `web.render`, cached in the home folder;
and the words of its text layer for *find*, read with pdfplumber on demand.

Evidence boxes are in PDF points from the top-left; the view places them as percentages of the page size in
points, so the image may be shown at any size.
"""

from __future__ import annotations

import bisect
import json
import logging
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

from models.settings import Settings
from pipeline.operations.home import DIR_MODE, Home, write_atomic
from pipeline.operations.store import Store
from web.render import RenderFailed, render_page

log = logging.getLogger(__name__)

#: Part of the cache names: pages cached before the pixel cap are never served.
_CACHE_VERSION = "capped"


@dataclass(frozen=True)
class PageImage:
    png: Path
    width_pt: float
    height_pt: float


def original_path(home: Home, store: Store, sha256: str) -> Path | None:
    """Where the archived original of this content is (never a path from the client)."""
    archive = home.archive.resolve()
    for intake in reversed(store.intakes()):
        if intake["sha256"] != sha256 or intake["status"] not in ("processed", "duplicate"):
            continue
        stored = intake.get("stored_as")
        if not stored:
            continue
        path = Path(stored).resolve()
        if path.is_file() and path.is_relative_to(archive):
            return path
    return None


def page_image(home: Home, store: Store, settings: Settings, sha256: str, page: int) -> PageImage | None:
    """The page as a cached PNG with its size in points; None when the original or page is missing, or
    the page cannot be drawn. A page that could not be drawn is remembered (a `.failed` file beside the
    cache), so a file that holds the renderer for its whole timeout does so once, not at every view.
    Raises RenderBusy (web.render) when the renderer is saturated."""
    cache = home.root / "cache" / "pages"
    png = cache / f"{sha256}-{page}-{_CACHE_VERSION}.png"
    meta = cache / f"{sha256}-{page}-{_CACHE_VERSION}.json"
    failed = cache / f"{sha256}-{page}-{_CACHE_VERSION}.failed"
    if png.is_file() and meta.is_file():
        size = json.loads(meta.read_text())
        return PageImage(png, size[0], size[1])
    if failed.is_file():
        return None
    original = original_path(home, store, sha256)
    if original is None:
        return None
    cache.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    try:
        w, h = render_page(original, page, png, settings.max_page_pixels)
    except LookupError:
        write_atomic(failed, b"no such page")
        return None
    except (RenderFailed, OSError) as e:
        why = str(e) if isinstance(e, RenderFailed) else e.__class__.__name__  # an OSError names the file
        log.warning("page %d of %s could not be drawn: %s", page, sha256[:12], why)
        write_atomic(failed, why.encode())
        return None
    write_atomic(meta, json.dumps([w, h]).encode())
    return PageImage(png, w, h)


#: Find searches at most this many pages of a document, and keeps the words of this many documents.
FIND_MAX_PAGES = 500
_TEXT_CACHE_DOCS = 8
_text_cache: OrderedDict[str, list[TextPage]] = OrderedDict()
_text_lock = threading.Lock()


@dataclass(frozen=True)
class Word:
    """A word of a page's text layer, its box in PDF points from the top-left."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float


@dataclass(frozen=True)
class TextPage:
    """A page's size in points and the words of its text layer."""

    width_pt: float
    height_pt: float
    words: list[Word]


@dataclass(frozen=True)
class Hit:
    """Where a search matched: the page, its box in percent of the page, and the words around it."""

    page: int
    left: float
    top: float
    width: float
    height: float
    snippet: str


def text_pages(original: Path, sha256: str) -> list[TextPage]:
    """The words of every page (at most FIND_MAX_PAGES) of an archived PDF, read with pdfplumber on demand
    and kept in memory for a few documents; [] for a picture (it has no text layer). Never logged."""
    with _text_lock:
        if sha256 in _text_cache:
            _text_cache.move_to_end(sha256)
            return _text_cache[sha256]
    with original.open("rb") as f:
        is_pdf = b"%PDF-" in f.read(1024)
    pages: list[TextPage] = []
    if is_pdf:
        import pdfplumber

        try:
            with pdfplumber.open(original) as pdf:
                for page in pdf.pages[:FIND_MAX_PAGES]:
                    words = [
                        Word(w["text"], w["x0"], w["top"], w["x1"], w["bottom"]) for w in page.extract_words()
                    ]
                    pages.append(TextPage(float(page.width), float(page.height), words))
                    page.close()
        except Exception as e:  # pdfminer's many parse errors: find reports no text, the page still shows
            log.warning("the text of %s could not be read for find: %s", sha256[:12], e.__class__.__name__)
            return []
    with _text_lock:
        _text_cache[sha256] = pages
        while len(_text_cache) > _TEXT_CACHE_DOCS:
            _text_cache.popitem(last=False)
    return pages


def find_text(pages: list[TextPage], query: str, limit: int = 200) -> list[Hit]:
    """Every place the words of `query` occur in this order (case-insensitive), at most `limit`."""
    needle = " ".join(query.lower().split())
    hits: list[Hit] = []
    if not needle:
        return hits
    for number, page in enumerate(pages, start=1):
        words = page.words
        joined = ""
        starts: list[int] = []
        for w in words:
            starts.append(len(joined))
            joined += w.text.lower() + " "
        at = joined.find(needle)
        while at >= 0 and len(hits) < limit:
            first = bisect.bisect_right(starts, at) - 1
            last = bisect.bisect_right(starts, at + len(needle) - 1) - 1
            span = words[first : last + 1]
            x0, top = min(w.x0 for w in span), min(w.top for w in span)
            x1, bottom = max(w.x1 for w in span), max(w.bottom for w in span)
            context = words[max(0, first - 6) : last + 7]
            hits.append(
                Hit(
                    page=number,
                    left=100 * x0 / page.width_pt,
                    top=100 * top / page.height_pt,
                    width=100 * (x1 - x0) / page.width_pt,
                    height=100 * (bottom - top) / page.height_pt,
                    snippet=" ".join(w.text for w in context),
                )
            )
            at = joined.find(needle, at + 1)
        if len(hits) >= limit:
            break
    return hits
