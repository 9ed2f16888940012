"""Panels both labs show: the step controls, the chain rule and the printed log."""
