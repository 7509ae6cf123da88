"""« Besoins / ressources »: on a territory's portrait, the workforce of the professions
that serve its fragilities beside those fragilities."""
