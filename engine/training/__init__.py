"""Training the book's classes: a Model from a spec, the Stepper that runs one operation at a
time, probes, grid predictions, histories, gradient checks, and the process settings for speed."""
