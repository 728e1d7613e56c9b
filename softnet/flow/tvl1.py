"""TV-L1's parameters, and the features of a flow: u, v, optical strain (docs/method.md, step 3).

The leaf that both engines and the flow stage share.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np


@dataclass(frozen=True)
class TVL1Params:
    """cv2.optflow.DualTVL1OpticalFlow_create's parameters; the defaults are OpenCV's own."""

    tau: float = 0.25
    lambda_: float = 0.15
    theta: float = 0.3
    nscales: int = 5
    warps: int = 5
    epsilon: float = 0.01
    inner_iterations: int = 30
    outer_iterations: int = 10
    scale_step: float = 0.8
    gamma: float = 0.0
    median_filtering: int = 5

    @classmethod
    def from_config(cls, config: dict[str, float]) -> TVL1Params:
        """From the config's `flow.tvl1` block, whose `lambda` key is a Python keyword here."""
        values = dict(config)
        if "lambda" in values:
            values["lambda_"] = values.pop("lambda")
        return cls(**values)

    def create(self) -> cv2.optflow.DualTVL1OpticalFlow:
        return cv2.optflow.DualTVL1OpticalFlow_create(
            tau=self.tau,
            lambda_=self.lambda_,
            theta=self.theta,
            nscales=self.nscales,
            warps=self.warps,
            epsilon=self.epsilon,
            innnerIterations=self.inner_iterations,
            outerIterations=self.outer_iterations,
            scaleStep=self.scale_step,
            gamma=self.gamma,
            medianFiltering=self.median_filtering,
        )


def optical_strain(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Optical strain magnitude from forward differences, as the published scripts compute it.

    u_x = u[:, j] - u[:, j+1] and so on; the undefined last column takes its left neighbour
    and the undefined last row takes the row above it.
    """
    u_x = u[:-1, :-1] - u[:-1, 1:]
    v_y = v[:-1, :-1] - v[1:, :-1]
    u_y = u[:-1, :-1] - u[1:, :-1]
    v_x = v[:-1, :-1] - v[:-1, 1:]
    inner = np.sqrt(u_x**2 + v_y**2 + 0.5 * (u_y + v_x) ** 2)
    strain = np.empty_like(u)
    strain[:-1, :-1] = inner
    strain[:-1, -1] = inner[:, -1]
    strain[-1, :] = strain[-2, :]
    return strain


def features_of_flow(flow: np.ndarray) -> np.ndarray:
    """(H, W, 3) float32 u, v, strain of an (H, W, 2) flow, whichever engine computed it."""
    magnitude, angle = cv2.cartToPolar(flow[..., 0], flow[..., 1])
    u, v = cv2.polarToCart(magnitude, angle)
    return np.dstack([u, v, optical_strain(u, v)]).astype(np.float32, copy=False)
