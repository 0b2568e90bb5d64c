import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lib_dazdepth.engine.normals import CONVENTIONS, NormalSettings, decode_normals, encode_normals

# +x, -x, +y / a non-unit (1.5, 2, 6) = 6.5 * (3, 4, 12) / 13, zero, NaN
TINY = np.array(
    [
        [[1.0, 0.0, 0.0], [-1.0, 0.0, 0.0], [0.0, 1.0, 0.0]],
        [[1.5, 2.0, 6.0], [0.0, 0.0, 0.0], [np.nan, 0.0, 1.0]],
    ],
    dtype=np.float32,
)
# Hand-computed: channel = round((1 +- n) / 2 * 255); 0.5 * 255 = 127.5 rounds to 128.
# (3, 4, 12) / 13: R = round((1 - 3/13) * 127.5) = round(98.08) = 98,
# G = round((1 + 4/13) * 127.5) = round(166.73) = 167, B = round((1 + 12/13) * 127.5) = 245.
NORMALBAE = np.array(
    [
        [[0, 128, 128], [255, 128, 128], [128, 255, 128]],
        [[98, 167, 245], [128, 128, 255], [128, 128, 255]],
    ],
    dtype=np.uint8,
)


def test_tiny_normalbae_exact():
    out = encode_normals(TINY)
    assert out.dtype == np.uint8
    np.testing.assert_array_equal(out, NORMALBAE)


def test_tiny_legacy_is_normalbae_with_r_and_b_swapped():
    expected = np.array(
        [
            [[128, 128, 0], [128, 128, 255], [128, 255, 128]],
            [[245, 167, 98], [255, 128, 128], [255, 128, 128]],
        ],
        dtype=np.uint8,
    )
    out = encode_normals(TINY, NormalSettings(convention="legacy"))
    np.testing.assert_array_equal(out, expected)
    np.testing.assert_array_equal(out, NORMALBAE[..., ::-1])


def test_plus_z_and_minus_y():
    n = np.array([[[0.0, 0.0, 1.0], [0.0, -1.0, 0.0], [0.0, 0.0, -1.0]]], dtype=np.float32)
    np.testing.assert_array_equal(
        encode_normals(n), [[[128, 128, 255], [128, 0, 128], [128, 128, 0]]]
    )


@pytest.mark.parametrize(
    ("flip", "expected"),
    [
        # flip_x: +x now reads as -x and vice versa; R = round((1 + 3/13) * 127.5) = 157
        (
            "flip_x",
            [
                [[255, 128, 128], [0, 128, 128], [128, 255, 128]],
                [[157, 167, 245], [128, 128, 255], [128, 128, 255]],
            ],
        ),
        # flip_y: +y becomes G = 0; G = round((1 - 4/13) * 127.5) = round(88.27) = 88
        (
            "flip_y",
            [
                [[0, 128, 128], [255, 128, 128], [128, 0, 128]],
                [[98, 88, 245], [128, 128, 255], [128, 128, 255]],
            ],
        ),
        # flip_z: B = round((1 - 12/13) * 127.5) = round(9.81) = 10; background unchanged
        (
            "flip_z",
            [
                [[0, 128, 128], [255, 128, 128], [128, 255, 128]],
                [[98, 167, 10], [128, 128, 255], [128, 128, 255]],
            ],
        ),
    ],
)
@pytest.mark.parametrize("convention", CONVENTIONS)
def test_flips(flip, expected, convention):
    expected = np.array(expected, dtype=np.uint8)
    if convention == "legacy":
        expected = expected[..., ::-1]
    out = encode_normals(TINY, NormalSettings(convention=convention, **{flip: True}))
    np.testing.assert_array_equal(out, expected)


def test_negative_components_are_mapped_not_clipped():
    n = np.array([[[-0.6, -0.8, 0.0]]], dtype=np.float32)
    # R = round(1.6 * 127.5) = 204, G = round(0.2 * 127.5) = round(25.5) -> 26 (float32: 25.50..)
    out = encode_normals(n)
    assert out[0, 0, 0] == 204
    assert out[0, 0, 1] in (25, 26)
    assert out[0, 0, 2] == 128


def test_non_finite_components_become_background():
    n = np.array([[[np.inf, 0, 1], [0, -np.inf, 0], [np.nan, np.nan, np.nan]]], np.float32)
    np.testing.assert_array_equal(encode_normals(n), [[[128, 128, 255]] * 3])


def test_tiny_and_huge_vectors():
    n = np.array(
        [[[0, 0, 1e-7], [0, 0, 2e-6], [1e30, 0, 0], [1e38, 1e38, 0], [3e38, 3e38, 0]]],
        np.float32,
    )
    out = encode_normals(n)
    np.testing.assert_array_equal(out[0, 0], (128, 128, 255))  # too short: background
    np.testing.assert_array_equal(out[0, 1], (128, 128, 255))  # +z
    np.testing.assert_array_equal(out[0, 2], (0, 128, 128))  # +x
    # (1, 1, 0) / sqrt(2): R = round((1 - 0.7071) * 127.5) = 37, G = round(217.65) = 218
    np.testing.assert_array_equal(out[0, 3], (37, 218, 128))
    # a length beyond float32 range counts as non-finite: background
    np.testing.assert_array_equal(out[0, 4], (128, 128, 255))


def test_background_mask():
    mask = np.array([[True, False, False], [False, False, True]])
    out = encode_normals(TINY, background=mask)
    expected = NORMALBAE.copy()
    expected[0, 0] = (128, 128, 255)
    np.testing.assert_array_equal(out, expected)
    legacy = encode_normals(TINY, NormalSettings(convention="legacy"), background=mask)
    np.testing.assert_array_equal(legacy[0, 0], (255, 128, 128))


def test_float64_and_float16_input():
    for dtype in (np.float64, np.float16):
        np.testing.assert_array_equal(encode_normals(TINY.astype(dtype)), NORMALBAE)


def test_input_is_not_modified():
    before = TINY.copy()
    encode_normals(TINY, NormalSettings(flip_x=True))
    np.testing.assert_array_equal(np.isnan(TINY), np.isnan(before))
    np.testing.assert_array_equal(np.nan_to_num(TINY), np.nan_to_num(before))


def test_bad_settings_and_shapes():
    with pytest.raises(ValueError, match="convention"):
        encode_normals(TINY, NormalSettings(convention="opengl"))
    with pytest.raises(ValueError, match="flip_y"):
        encode_normals(TINY, NormalSettings(flip_y="yes"))
    with pytest.raises(ValueError, match="normals"):
        encode_normals(np.zeros((4, 4), np.float32))
    with pytest.raises(ValueError, match="normals"):
        encode_normals(np.zeros((4, 4, 4), np.float32))
    with pytest.raises(ValueError, match="normals"):
        encode_normals(np.zeros((4, 4, 3), np.uint8))
    with pytest.raises(ValueError, match="background"):
        encode_normals(TINY, background=np.zeros((3, 2), bool))
    with pytest.raises(ValueError, match="background"):
        encode_normals(TINY, background=np.zeros((2, 3), np.uint8))
    with pytest.raises(ValueError, match="convention"):
        decode_normals(NORMALBAE, convention="dx")
    with pytest.raises(ValueError, match="rgb"):
        decode_normals(np.zeros((2, 3), np.uint8))


@pytest.mark.parametrize("convention", CONVENTIONS)
def test_decode_of_encoded_axes(convention):
    n = np.array([[[1, 0, 0], [0, 1, 0], [0, 0, 1], [-1, 0, 0], [0, -1, 0]]], np.float32)
    back = decode_normals(encode_normals(n, NormalSettings(convention=convention)), convention)
    assert back.dtype == np.float32
    np.testing.assert_allclose(back, n, atol=0.01)
    np.testing.assert_allclose(np.linalg.norm(back, axis=-1), 1.0, atol=1e-6)


def _angles(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    cos = np.clip(np.sum(a * b, axis=-1) / np.linalg.norm(a, axis=-1), -1.0, 1.0)
    return np.degrees(np.arccos(cos))


_component = st.floats(-1.0, 1.0, allow_nan=False, width=32)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(_component, _component, st.floats(0.0078125, 1.0, width=32)), min_size=1),
    st.sampled_from(CONVENTIONS),
)
def test_round_trip_within_half_a_degree(vectors, convention):
    n = np.array(vectors, dtype=np.float64)
    n /= np.linalg.norm(n, axis=-1, keepdims=True)
    n = n.reshape(1, -1, 3)
    back = decode_normals(
        encode_normals(n.astype(np.float32), NormalSettings(convention=convention)), convention
    )
    assert _angles(n, back.astype(np.float64)).max() < 0.5


def test_round_trip_random_field_mean_error():
    rng = np.random.default_rng(7)
    n = rng.normal(size=(64, 64, 3))
    n /= np.linalg.norm(n, axis=-1, keepdims=True)
    back = decode_normals(encode_normals(n.astype(np.float32)))
    err = _angles(n, back.astype(np.float64))
    assert err.max() < 0.5
    assert err.mean() < 0.25


def test_blocks_of_rows_give_the_same_map(monkeypatch) -> None:
    """The map is encoded a block of rows at a time; any block size gives the same bytes."""
    from lib_dazdepth.engine import normals as module

    rng = np.random.default_rng(11)
    vectors = rng.normal(size=(23, 9, 3)).astype(np.float32)
    vectors[3, 4] = np.nan
    background = rng.random((23, 9)) < 0.1
    whole = encode_normals(vectors, NormalSettings(flip_y=True), background)
    monkeypatch.setattr(module, "BLOCK_PIXELS", 20)  # two rows at a time, and a short last
    np.testing.assert_array_equal(
        encode_normals(vectors, NormalSettings(flip_y=True), background), whole
    )
    assert tuple(whole[3, 4]) == (128, 128, 255)
