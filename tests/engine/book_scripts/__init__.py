"""The book's chapter scripts written against `engine`, as data for the chapter tests.

Each module has `run(epochs, numerics=None) -> list[str]`, the lines the book's script prints.
With numerics=None no class or data set is given a `numerics` argument, exactly as a book script
after swapping its class definitions for `from engine import ...`; run as
`python -m tests.engine.book_scripts.<module> <epochs>` it calls `nnfs.init()` after importing
the engine, as such a script would, and prints the lines.
"""
