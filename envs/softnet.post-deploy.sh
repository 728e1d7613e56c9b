#!/usr/bin/env bash
# Snakemake runs this in the new environment from the working directory, the checkout.
set -euo pipefail
python -m pip install --no-deps -e .
