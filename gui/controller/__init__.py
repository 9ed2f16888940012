"""The one place in the GUI that changes engine state, and the snapshot it hands the views."""
