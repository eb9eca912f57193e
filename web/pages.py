"""Page images for the document view: the archived original, drawn by `web.render`, cached in the home folder.

Evidence boxes are in PDF points from the top-left; the view places them as percentages of the page size in
points, so the image may be shown at any size.
"""

from __future__ import annotations

import json
import logging
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
    the page cannot be drawn."""
    cache = home.root / "cache" / "pages"
    png = cache / f"{sha256}-{page}-{_CACHE_VERSION}.png"
    meta = cache / f"{sha256}-{page}-{_CACHE_VERSION}.json"
    if png.is_file() and meta.is_file():
        size = json.loads(meta.read_text())
        return PageImage(png, size[0], size[1])
    original = original_path(home, store, sha256)
    if original is None:
        return None
    cache.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    try:
        w, h = render_page(original, page, png, settings.max_page_pixels)
    except LookupError:
        return None
    except (RenderFailed, OSError) as e:
        why = str(e) if isinstance(e, RenderFailed) else e.__class__.__name__  # an OSError names the file
        log.warning("page %d of %s could not be drawn: %s", page, sha256[:12], why)
        return None
    write_atomic(meta, json.dumps([w, h]).encode())
    return PageImage(png, w, h)
