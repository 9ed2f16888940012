"""The reference numbers the app must reproduce, copied from ../shared/reference/ so the tests
need nothing outside the repository: the seed notebook's printouts under both numerics and the
book's chapter-10 Adam run."""

from pathlib import Path

DATA = Path(__file__).resolve().parent / "engine" / "data"
SEED_EXAMPLES = DATA / "seed_examples.json"
CH10_ADAM_SPIRAL = DATA / "ch10_adam_spiral.txt"
