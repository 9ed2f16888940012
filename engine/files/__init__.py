"""What goes to and comes from disk: sessions, the exact state encoding, points files, and
the export as a Python script."""
