"""The observatory's public dashboard (/observatoire/): the région's workforce figures per
profession and their trends, the tension index beside the poverty rate on two linked maps of
the EPCI, the most tense professions × EPCI, and their exports.

Everything is read from the published recompute (territories.pipeline): `selectors` reads
the values in a constant number of queries and keeps them under the published run's
version, `views` checks the parameters and draws, `exports` writes CSV and XLSX.
"""
