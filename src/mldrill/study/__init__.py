"""Studying: FSRS scheduling, drill sessions, the practice log, stats, import and export."""
