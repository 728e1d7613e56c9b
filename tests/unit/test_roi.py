"""Head-motion removal, eye masks and ROI boxes from given landmarks."""

import numpy as np

from softnet.roi import ROIParams, eye_mask, eye_polygons, preprocess, remove_head_motion, roi_boxes


def landmarks_with(points: dict[int, tuple[int, int]]) -> np.ndarray:
    marks = np.full((68, 2), 64, dtype=np.int32)
    for index, xy in points.items():
        marks[index] = xy
    return marks


FACE = landmarks_with(
    {
        17: (20, 40),
        19: (35, 30),
        24: (90, 32),
        26: (108, 40),
        28: (64, 70),
        36: (30, 50),
        37: (36, 46),
        38: (42, 46),
        39: (48, 50),
        40: (42, 54),
        41: (36, 54),
        42: (80, 50),
        43: (86, 46),
        44: (92, 46),
        45: (98, 50),
        46: (92, 56),
        47: (86, 54),
        50: (56, 92),
        57: (64, 108),
        60: (48, 100),
        64: (80, 100),
    }
)


def test_head_motion_is_the_mean_flow_around_the_nose():
    flow = np.zeros((2, 128, 128, 3), np.float32)
    flow[..., 0], flow[..., 1], flow[..., 2] = 1.0, -2.0, 0.5
    flow[1, 60:70, 100:110, 0] = 5.0  # a local movement away from the nose
    out = remove_head_motion(flow, (64, 70), 5)
    assert np.allclose(out[..., :2][flow[..., 0] == 1.0], 0.0)
    assert np.allclose(out[..., 2], 0.0)
    assert np.allclose(out[1, 60:70, 100:110, 0], 4.0)


def test_nose_box_is_11_by_11_and_signs_follow_the_spec():
    flow = np.zeros((1, 128, 128, 3), np.float32)
    flow[0, 65:76, 59:70] = (1.0, 1.0, 1.0)  # exactly the 11x11 box around (64, 70)
    out = remove_head_motion(flow, (64, 70), 5)
    assert np.allclose(out[0, 0, 0], (1.0, 1.0, -1.0))  # |0 - 1| for u, v; 0 - 1 for strain
    assert np.allclose(out[0, 70, 64], 0.0)


def test_eye_polygons_push_each_landmark_outwards():
    left, right = eye_polygons(FACE, 15, 128)
    assert left.tolist() == [[15, 50], [36, 31], [42, 31], [63, 50], [42, 69], [36, 69]]
    assert right.tolist() == [[65, 50], [86, 31], [92, 31], [113, 50], [92, 71], [86, 69]]


def test_eye_polygons_clamp_to_the_crop():
    marks = landmarks_with({36: (5, 10), 37: (8, 6), 45: (120, 50), 46: (118, 120)})
    left, right = eye_polygons(marks, 15, 128)
    assert left[0].tolist() == [0, 10] and left[1].tolist() == [8, 0]
    assert right[3].tolist() == [128, 50] and right[4].tolist() == [118, 128]


def test_eye_mask_covers_the_eyes_and_nothing_near_the_mouth():
    mask = eye_mask(FACE, 15, 128)
    assert not mask[50, 39] and not mask[50, 89]  # eye centres
    assert mask[100, 64] and mask[10, 64]


def test_roi_boxes_follow_the_published_indices():
    eyebrows, mouth = roi_boxes(FACE, 12, 128)
    # rows min(30-12, 32-12) : max(54+12, 56+12); cols 20-12 : 108+12
    assert (eyebrows.top, eyebrows.bottom, eyebrows.left, eyebrows.right) == (18, 68, 8, 120)
    # rows 92-12 : 108+12; cols 48-12 : 80+12
    assert (mouth.top, mouth.bottom, mouth.left, mouth.right) == (80, 120, 36, 92)


def test_roi_boxes_clamp_their_margins():
    marks = FACE.copy()
    marks[19] = (35, 5)
    marks[26] = (125, 40)
    marks[57] = (64, 124)
    eyebrows, mouth = roi_boxes(marks, 12, 128)
    assert eyebrows.top == 0 and eyebrows.right == 128 and mouth.bottom == 128


def test_preprocess_stacks_eyebrows_over_mouth():
    flow = np.zeros((3, 128, 128, 3), np.float32)
    flow[:, 80:120, 36:92] = (2.0, 3.0, 4.0)  # exactly the mouth box
    rois = preprocess(flow, FACE, ROIParams())
    assert rois.shape == (3, 42, 42, 3) and rois.dtype == np.float32
    assert np.allclose(rois[:, 21:], (2.0, 3.0, 4.0))
    assert np.allclose(rois[:, :21], 0.0)  # the eyebrow box ends at row 68, above the mouth


def test_preprocess_zeroes_the_eyes_but_keeps_the_eyebrows():
    in_eye = np.zeros((1, 128, 128, 3), np.float32)
    in_eye[:, 45:55, 33:45] = 7.0  # inside the left eye hexagon
    assert np.allclose(preprocess(in_eye, FACE, ROIParams()), 0.0)
    on_brow = np.zeros((1, 128, 128, 3), np.float32)
    on_brow[:, 20:28, 33:45] = 7.0  # above the hexagon, inside the eyebrow box
    assert preprocess(on_brow, FACE, ROIParams())[:, :21].max() > 1.0
