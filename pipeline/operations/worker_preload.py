"""Imported by the document workers' fork server, and nowhere else: loads the pipeline once, so every
worker forked from the server starts with the stages imported and the spaCy pipeline built."""

from pipeline.operations.workers import load_pipeline

load_pipeline()
