"""Models applied to videos they were not trained on: own recordings, cross-dataset tests."""
