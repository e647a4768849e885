"""The models and the maths behind every lesson: numpy only, no UI, no I/O, no globals."""
