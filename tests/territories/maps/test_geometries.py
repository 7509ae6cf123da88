"""The main towns each département's boundaries carry for the explorer's labels."""

import shapely

from territories.maps.geometries import TOWNS_PER_DEPARTEMENT, main_towns


def test_main_towns_are_the_largest_communes_of_each_departement():
    import geopandas as gpd

    communes = [
        ("01001", "Petite", 100, "01"),
        ("01002", "Grande", 9000, "01"),
        ("01003", "Moyenne", 800, "01"),
        ("01004", "Sans population", None, "01"),
        ("01005", "Bourg", 500, "01"),
        ("01006", "Hameau", 50, "01"),
        ("02001", "Seule", 300, "02"),
    ]
    # An L-shaped commune: its label point lies inside it, not at its bounding box's centre.
    shapes = gpd.GeoSeries(
        [shapely.box(i, 0, i + 1, 1) for i in range(len(communes) - 1)]
        + [shapely.Polygon([(10, 0), (13, 0), (13, 1), (11, 1), (11, 3), (10, 3)])],
        index=[code for code, *_ in communes],
    )
    rows = [(code, name, None, "epci", dep, population) for code, name, population, dep in communes]

    towns = main_towns(rows, shapes)

    assert [town["name"] for town in towns["01"]] == ["Grande", "Moyenne", "Bourg", "Petite"]
    assert len(towns["01"]) == TOWNS_PER_DEPARTEMENT
    assert towns["01"][0] == {
        "code": "01002",
        "name": "Grande",
        "population": 9000,
        "point": [1.5, 0.5],
    }
    (seule,) = towns["02"]
    assert shapes["02001"].contains(shapely.Point(seule["point"]))
