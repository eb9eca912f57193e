"""The record's JSON Schema, generated from the pydantic models (kept in docs/record.schema.json)."""

from __future__ import annotations

import json
from pathlib import Path

from models.record import ReportRecord

SCHEMA_PATH = Path(__file__).resolve().parent.parent / "docs" / "record.schema.json"


def record_schema_json() -> str:
    """The JSON Schema of ReportRecord, as stable, indented text."""
    return json.dumps(ReportRecord.model_json_schema(mode="serialization"), indent=2, sort_keys=True) + "\n"


if __name__ == "__main__":
    SCHEMA_PATH.write_text(record_schema_json(), encoding="utf-8")
    print(f"wrote {SCHEMA_PATH}")
