import geopandas as gpd
import pytest
from shapely.geometry import LineString, Point

from geodata.layers import LAYER_NAMES, LayerError, load_layers, read_layer_file, validate_layer, write_layer
from tests.geodata import factories as f


def test_layer_names():
    assert LAYER_NAMES == ("counties", "rivers", "sections", "receptors", "intercepts")


@pytest.mark.parametrize("name", LAYER_NAMES)
def test_valid_layers_have_no_problems(name):
    assert validate_layer(name, f.layers()[name]) == []


def test_unknown_layer_name_raises():
    with pytest.raises(ValueError, match="not one of"):
        validate_layer("roads", f.rivers())


def test_validation_reports_type_attribute_and_crs_problems():
    bad = gpd.GeoDataFrame({"label": ["x"]}, geometry=[Point(113.6, 34.1)], crs="EPSG:3857")
    problems = validate_layer("rivers", bad)
    assert any("EPSG:3857" in p for p in problems)
    assert any("Point not allowed" in p for p in problems)
    assert any("'name' is missing" in p for p in problems)


def test_validation_reports_bad_county_codes_and_blank_names():
    counties = f.counties()
    counties.loc[1, "code"] = "4111"
    counties.loc[0, "name"] = " "
    problems = validate_layer("counties", counties)
    assert any("6 digits" in p and "rows 1" in p for p in problems)
    assert any("'name' is empty" in p for p in problems)


def test_validation_reports_river_topology():
    rivers = f.rivers()
    rivers.loc[0, "geometry"] = LineString([(113.50, 34.20), (113.699, 34.001)])
    assert any("snap the confluence" in p for p in validate_layer("rivers", rivers))


def test_validation_refuses_multilines_and_duplicate_names():
    rivers = f.rivers()
    rivers.loc[1, "name"] = "甲河"
    assert any("unique" in p for p in validate_layer("rivers", rivers))


def test_read_layer_file_reprojects_a_geopackage(tmp_path):
    path = tmp_path / "rivers.gpkg"
    f.rivers("EPSG:4547").to_file(path, driver="GPKG")
    gdf = read_layer_file(path, "rivers")
    assert gdf.crs.to_epsg() == 4326
    assert gdf.geometry.iloc[0].coords[0] == pytest.approx((113.50, 34.20), abs=1e-7)


def test_read_layer_file_reads_a_shapefile(tmp_path):
    path = tmp_path / "sections.shp"
    f.sections()[["name", "river", "geometry"]].to_file(path)
    assert read_layer_file(path, "sections")["name"].tolist() == ["乙河出境断面"]


def test_read_layer_file_refuses_a_shapefile_without_crs(tmp_path):
    path = tmp_path / "sections.shp"
    f.sections()[["name", "river", "geometry"]].to_file(path)
    path.with_suffix(".prj").unlink()
    with pytest.raises(LayerError, match="no CRS"):
        read_layer_file(path, "sections")


def test_read_layer_file_refuses_the_whole_file_listing_problems(tmp_path):
    path = tmp_path / "rivers.geojson"
    gpd.GeoDataFrame({"name": ["a", None]}, geometry=[Point(113.6, 34.1), LineString([(113, 34), (114, 34)])],
                     crs="EPSG:4326").to_file(path, driver="GeoJSON")
    with pytest.raises(LayerError) as info:
        read_layer_file(path, "rivers")
    assert info.value.layer == "rivers"
    assert any("rows 0" in p and "Point" in p for p in info.value.problems)
    assert any("rows 1" in p and "'name' is empty" in p for p in info.value.problems)


def test_read_layer_file_reports_an_unreadable_file(tmp_path):
    path = tmp_path / "broken.geojson"
    path.write_text("{not json")
    with pytest.raises(LayerError, match="cannot read"):
        read_layer_file(path, "rivers")


def test_write_then_load_round_trip(tmp_path):
    for name, gdf in f.layers().items():
        write_layer(name, gdf, tmp_path)
    layers = load_layers(tmp_path)
    assert set(layers) == set(LAYER_NAMES)
    assert layers["counties"]["name"].tolist() == ["禹州市", "临颍县"]
    assert layers["counties"]["code"].tolist() == ["411081", "411122"]
    assert load_layers(tmp_path) is layers  # cached


def test_write_layer_refuses_an_invalid_layer(tmp_path):
    with pytest.raises(LayerError):
        write_layer("rivers", f.sections(), tmp_path)
    assert not (tmp_path / "rivers.geojson").exists()


def test_load_layers_reports_a_missing_file(tmp_path):
    write_layer("rivers", f.rivers(), tmp_path)
    with pytest.raises(LayerError, match="does not exist"):
        load_layers(tmp_path)
