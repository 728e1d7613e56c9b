"""Tests that run snakemake on the tiny demo (marked `workflow`)."""
