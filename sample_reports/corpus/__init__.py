"""Building blocks of the synthetic corpus: facts, phrasings, composition and letterhead styles."""
