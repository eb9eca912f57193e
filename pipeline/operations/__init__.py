"""Operations: the home folder, the store, batches and exports (no Prefect here)."""
