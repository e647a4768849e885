"""What every lesson is built from (see DESIGN §2), one job a module:

- lesson.py: the `Lesson` base (settings ↔ URL, apply, actions, results, view by convention), `Refused`;
- knobs.py: one declaration per knob, `knob(param.X(...), key=, label=, live=, restarts=, locked_in=)`,
  and what is derived from the table (url_names, locked knobs, restart watcher);
- urlstate.py: reading and writing knob values in a link (list knobs, bounds, notices);
- run.py: `TrainingRun`, one training run (status, history, Stop event, frames, step, locks);
  frames.py: its frame schedule; history.py: `LossHistory`, a loss curve in bounded memory;
- widgets.py: a knob's widget from its declaration, buttons, status lines, wrapping rows;
- charts.py: the figures' look and every chart in words; accessible.py, announce.py, settle.py: the
  text alternatives and the live voice every page gets;
- formatting.py: numbers for readers; safe_text.py: the one way outside text is shown;
- code.py: Python source as a highlighted code block (AA colours, the stdlib's tokenizer, nothing fetched);
- still.py: still pictures (SVG) for the build.
- places.py: `place(name, section)`, a place in a lesson's page that a link opens at (`#name`).
"""
