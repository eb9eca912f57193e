"""pydantic models shared by the pipeline, the flows and the review app."""
