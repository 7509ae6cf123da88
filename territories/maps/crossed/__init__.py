"""Crossed indicators (préconisation 2): two indicators across the territories of one level.

`selectors.crossed()` reads the two stored map layers of the published run (nothing is
recomputed here but a correlation over a few hundred points), pairs the territories, counts
those left out (secret, withheld, missing: never drawn as zero), fits a line, gives Pearson's
and Spearman's coefficients and the 3 × 3 bivariate classes by terciles. `forms` checks the
permalink's parameters, `views` draws the scatter plot and the bivariate map as SVG on the
server (a data table beside both) and exports CSV and GeoJSON carrying their parameters.
"""
