"""medlegal pipeline: plain functions, one per stage, free of Prefect."""

__version__ = "0.1.0"
