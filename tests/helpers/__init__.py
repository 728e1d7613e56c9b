"""What the tests share: the demo config and snakemake calls, fake releases, a SLURM cluster."""
