"""What a lesson or a recording needs: sessions, autosave, timeline, recording, takes and
replay, image export and presentation mode."""
