"""Where a run starts: the seed notebook's worked examples, the book's datasets, the presets."""
