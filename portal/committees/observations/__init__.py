"""Field observations: qualitative weak signals raised by committees on their territories."""
