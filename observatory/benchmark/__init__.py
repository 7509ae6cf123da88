"""An employer's benchmark, private to its organisation: each establishment's measures
beside similar employers' and its territory's, under statistical secrecy, computed at
recompute time (compute.py) and read by its organisation's people (views.py)."""
