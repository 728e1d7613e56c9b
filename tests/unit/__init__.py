"""Module tests with answers checked by hand; the few that run snakemake are marked `workflow`."""
