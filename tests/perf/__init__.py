"""The measurement code of perf/: reading runs, targets, extrapolation, the command itself."""
