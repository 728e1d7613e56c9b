"""Optical strain and TV-L1 features on fields whose answers can be worked out by hand."""

import cv2
import numpy as np
import pytest
import yaml

from softnet.flow.tvl1 import TVL1Params, features_of_flow, optical_strain


def linear_field(a, b, c, d, size=6):
    y, x = np.mgrid[0:size, 0:size].astype(np.float32)
    return a * x + b * y, c * x + d * y


def test_strain_of_a_linear_flow_is_constant_including_the_filled_edges():
    u, v = linear_field(0.1, 0.3, 0.1, 0.2)
    # forward differences: u_x = -a, u_y = -b, v_x = -c, v_y = -d
    expected = np.sqrt(0.1**2 + 0.2**2 + 0.5 * (0.3 + 0.1) ** 2)
    assert np.allclose(optical_strain(u, v), expected, atol=1e-6)


def test_strain_fills_last_column_from_the_left_then_last_row_from_above():
    u = np.zeros((3, 3), np.float32)
    u[0, 1] = 1.0  # u_x at (0, 0) is -1, u_x at (0, 1) is 1; u_y at (0, 1) is 1
    strain = optical_strain(u, np.zeros_like(u))
    inner = np.array([[1.0, np.sqrt(1 + 0.5)], [0.0, 0.0]], np.float32)
    assert np.allclose(strain[:2, :2], inner)
    assert np.allclose(strain[:2, 2], inner[:, 1])  # last column copies its left neighbour
    assert np.allclose(strain[2], strain[1])  # last row copies the row above
    assert strain.dtype == np.float32


def test_tvl1_sees_a_one_pixel_shift_to_the_right():
    rng = np.random.default_rng(0)
    texture = cv2.GaussianBlur((rng.random((64, 64)) * 255).astype(np.uint8), (5, 5), 1.5)
    shifted = np.roll(texture, 1, axis=1)
    features = features_of_flow(TVL1Params().create().calc(texture, shifted, None))
    assert features.shape == (64, 64, 3) and features.dtype == np.float32
    inner = features[8:-8, 8:-8]
    assert np.median(inner[..., 0]) == pytest.approx(1.0, abs=0.1)
    assert np.median(inner[..., 1]) == pytest.approx(0.0, abs=0.1)
    assert np.median(inner[..., 2]) < 0.2  # a pure translation has no strain


def test_default_tvl1_parameters_are_opencvs_own():
    ours, theirs = TVL1Params().create(), cv2.optflow.DualTVL1OpticalFlow_create()
    for name in (
        "Tau",
        "Lambda",
        "Theta",
        "ScalesNumber",
        "WarpingsNumber",
        "Epsilon",
        "InnerIterations",
        "OuterIterations",
        "ScaleStep",
        "Gamma",
        "MedianFiltering",
    ):
        assert getattr(ours, f"get{name}")() == pytest.approx(getattr(theirs, f"get{name}")())


def test_config_schema_defaults_match_the_tvl1_defaults(repo):
    schema = yaml.safe_load((repo / "schemas" / "config.schema.yaml").read_text())
    tvl1 = schema["properties"]["flow"]["properties"]["tvl1"]["properties"]
    defaults = {key: spec["default"] for key, spec in tvl1.items()}
    assert TVL1Params.from_config(defaults) == TVL1Params()
