"""Reading: a file on disk to a Document (pages, words, boxes, text source)."""
