"""Every limit the engine enforces, in one table, with why each is what it is.

Two kinds of limit share a quantity's name and must not be confused:

- OFFERED_*: what the window lets a learner choose (the network and data panels). These are
  teaching sizes: big enough to see a network under- and over-fit, small enough that training
  stays fast enough to watch and every neuron's map fits on screen. The engine itself builds
  larger networks when asked (the command line, a hand-edited session).
- LOADABLE_*: what a session file may ask the engine to build. A file may come from anyone, so
  these stop a file from exhausting memory or freezing the window, yet lie far above anything
  the window offers, so no file the app wrote is ever refused.

The others bound what is read from files (bytes, text, nesting, numbers) and what the engine
keeps in memory.
"""

from __future__ import annotations

# -- what the window offers -------------------------------------------------------------------

OFFERED_HIDDEN_LAYERS = 4  # 0..4 hidden layers: deep enough to show depth, each map on screen
OFFERED_NEURONS = 256  # per hidden layer: a 4 x 256 network still trains at a watchable pace
OFFERED_SAMPLES_PER_CLASS = 1000  # 6,000 points at most: the boundary redraws while training
OFFERED_CLASSES = 6  # one clearly different colour per class; also the point files' classes
MIN_CLASSES = 2  # a classifier needs two classes to tell apart (the spec refuses fewer)

# -- what a session file may ask the engine to build ----------------------------------------------

LOADABLE_DATA_POINTS = 200_000  # samples x classes + points added by hand
LOADABLE_HIDDEN_LAYERS = 32
LOADABLE_NEURONS = 10_000  # in any one layer
LOADABLE_PARAMETERS = 4_000_000  # weights and biases: 16 MB of float32, 32 MB of float64
LOADABLE_ACTIVATIONS = 20_000_000  # data points x widest layer: one layer's output in memory

# -- what is read from files -----------------------------------------------------------------------

SESSION_FILE_BYTES = 50 * 2**20  # a chapter-10 run saves about 1 MB per 10,000 iterations
POINTS_FILE_BYTES = 10 * 2**20  # a point file this large is not something a person clicked
TEXT_CHARACTERS = 100_000  # in one title, scenario name or printed line of a session
VIEW_DEPTH = 32  # nesting of a session's view settings, checked without recursion
INTEGER_DIGITS = 30  # a longer integer in a session is no count or seed the app writes
COUNT = 2**53  # iterations and positions: every count up to here is exact as a float
SEED_END = 2**32  # seeds are 0 .. SEED_END - 1, numpy's RandomState range

# -- what the engine keeps in memory ---------------------------------------------------------------

CHECKPOINT_BYTES = 256 * 2**20  # the Stepper's checkpoints for stepping back; oldest go first
STEP_BACK_OPERATIONS = 10_000  # how far back the Stepper keeps checkpoints, memory allowing
HISTORY_RECENT_ROWS = 65_536  # epochs of a history kept whole; older ones are thinned
HISTORY_OLDER_BUCKETS = 4_096  # the thinned record's buckets: more than a 4K screen's columns
PRINTED_LINES = 20_000  # the latest printed lines kept (the log panel shows as many)
READ_SECONDS = 10.0  # reading one file: a disk or network share that stalls longer is refused
UNPACKED_BYTES = 512 * 2**20  # what a session's compressed parts may unpack to, in all
LOADABLE_EDITS = 10_000  # edits in the saved iteration (a save merges those that override others)
LOADABLE_KEYFRAMES = 2_000  # the timeline keeps at most 500; a file may hold some more
UNPACKED_NODES = 1_000_000  # JSON values in a session's packed parts: 10,000 edits are 100,000

# -- what one training iteration may cost (engine/training/cost.py estimates it from a spec) ----

ITERATION_BYTES = 2 * 2**30  # refused above: the window and a file alike (10 GB was asked for)
ITERATION_BYTES_WARNED = 256 * 2**20  # said above: the window stays usable, but slowly
ITERATION_SECONDS_WARNED = 0.5  # said above: a run of such iterations is no longer watched live
FLOPS_PER_SECOND = 1e10  # what numpy's matrix products did here for the estimate of time
