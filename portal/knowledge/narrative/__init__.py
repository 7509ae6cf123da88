"""Narrative maps: steps of text over states of the map explorer, read as a scrolling story."""
