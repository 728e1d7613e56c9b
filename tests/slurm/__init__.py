"""Tests that run the workflow on a one-node SLURM cluster (marked `slurm`)."""
