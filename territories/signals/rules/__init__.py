"""The rules that raise weak signals, one module each; territories.signals.detection runs
them over the run being computed."""
