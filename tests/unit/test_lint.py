"""The workflow's own code passes Snakemake's linter and formatter."""

import subprocess
import sys


def test_snakemake_lint_is_clean(repo):
    result = subprocess.run(
        [sys.executable, "-m", "snakemake", "--lint", "--directory", str(repo)],
        cwd=repo,
        capture_output=True,
        text=True,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "Lints for" not in output and "Congratulations" in output, output


def test_snakefmt_check_is_clean(repo):
    snakefmt = [sys.executable, "-m", "snakefmt", "--check", "Snakefile", "rules"]
    result = subprocess.run(snakefmt, cwd=repo, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_is_clean(repo):
    paths = ["bootstrap.py", "softnet", "perf", "tests", "workflow_scripts"]
    for command in (["check"], ["format", "--check"]):
        result = subprocess.run(
            [sys.executable, "-m", "ruff", *command, *paths],
            cwd=repo,
            capture_output=True,
            text=True,
        )
        assert result.returncode == 0, result.stdout + result.stderr
