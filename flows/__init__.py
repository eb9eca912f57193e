"""Prefect flows: thin tasks around `pipeline` functions."""
