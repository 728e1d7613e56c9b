"""The rules' conda environment installs every runtime dependency the package declares."""

import re
import tomllib

import yaml

#: PyPI names whose conda-forge package has another name.
CONDA_NAMES = {
    # conda-forge's `matplotlib` also pulls in the Qt GUI backend; the report jobs only write files.
    "matplotlib": "matplotlib-base",
}

#: Dependencies the environment leaves out on purpose.
NOT_IN_ENVIRONMENT = {
    # Snakemake's script preamble appends the running snakemake's import path, so a job finds it
    # there; a second copy in the environment would be imported first, at another version.
    "snakemake",
}


def distribution(spec: str) -> str:
    """The normalised name of a pip requirement or conda match spec: `Scikit_Image>=0.22` ->
    `scikit-image`."""
    name = re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", spec.strip())
    assert name, f"no package name in {spec!r}"
    return re.sub(r"[-_.]+", "-", name.group()).lower()


def environment_packages(environment: dict) -> set[str]:
    """The conda and pip packages of a conda environment file."""
    names = set()
    for entry in environment["dependencies"]:
        if isinstance(entry, dict):
            names |= {distribution(spec) for spec in entry["pip"]}
        else:
            names.add(distribution(entry))
    return names


def test_names_are_normalised_across_case_separators_and_version_specs():
    assert distribution("Scikit_Image>=0.22,<1") == "scikit-image"
    assert distribution("face.recognition-models >=0.3") == "face-recognition-models"
    assert distribution("python=3.11") == "python"
    environment = {"dependencies": ["h5py>=3.10", {"pip": ["dlib_bin>=19.24"]}]}
    assert environment_packages(environment) == {"h5py", "dlib-bin"}


def test_every_dependency_of_the_package_is_in_the_rules_conda_environment(repo):
    declared = tomllib.loads((repo / "pyproject.toml").read_text())["project"]["dependencies"]
    environment = yaml.safe_load((repo / "envs" / "softnet.yaml").read_text())
    listed = environment_packages(environment)
    wanted = {distribution(spec) for spec in declared} - NOT_IN_ENVIRONMENT
    missing = sorted(name for name in wanted if CONDA_NAMES.get(name, name) not in listed)
    assert missing == [], f"envs/softnet.yaml lacks {', '.join(missing)} of pyproject.toml"
    assert NOT_IN_ENVIRONMENT.isdisjoint(listed), "listed although left out on purpose"
