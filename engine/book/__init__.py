"""The book's classes as the book writes them: layers, activations, losses, optimizers,
and the numerics they compute in."""
