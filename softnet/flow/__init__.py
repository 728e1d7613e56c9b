"""Stage 2: TV-L1 optical flow and optical strain, with its two engines (OpenCV, TensorFlow)."""
