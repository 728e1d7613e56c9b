"""Which TV-L1 engine a flow job runs, and the XLA compilation cache its TensorFlow jobs share."""

from __future__ import annotations

import os
import platform
import subprocess
import sys
from pathlib import Path

import pytest

from softnet.flow.compile_cache import CACHE_FLAG, compile_cache, machine_kind
from softnet.flow.engine_choice import (
    CPU_BREAK_EVEN_PAIRS,
    DEFAULT_BATCH_SIZE,
    batch_size_for,
    choose_engine,
)


@pytest.mark.parametrize(
    ("requested", "pairs", "gpus", "engine"),
    [
        ("opencv", 10**6, 1, "opencv"),
        ("tensorflow", 1, 0, "tensorflow"),
        ("auto", 1, 1, "tensorflow"),
        ("auto", CPU_BREAK_EVEN_PAIRS, 0, "tensorflow"),
        ("auto", CPU_BREAK_EVEN_PAIRS - 1, 0, "opencv"),
    ],
)
def test_auto_takes_tensorflow_with_a_gpu_or_enough_pairs(requested, pairs, gpus, engine):
    choice = choose_engine(requested, pairs, gpus)
    assert choice.engine == engine
    assert choice.reason.startswith("auto" if requested == "auto" else "flow.engine")


def test_auto_keeps_opencv_4_whose_remap_the_tensorflow_engine_does_not_repeat():
    assert choose_engine("auto", 10**6, 1, opencv_version="4.10.0").engine == "opencv"
    assert choose_engine("auto", 10**6, 1, opencv_version="5.1.0").engine == "tensorflow"


def test_an_unknown_engine_is_named_with_the_choices():
    with pytest.raises(ValueError, match="'cuda'.*auto, opencv, tensorflow"):
        choose_engine("cuda", 100, 0)


def test_the_batch_size_is_the_configured_one_or_the_devices_best():
    assert batch_size_for("/device:GPU:0 (NVIDIA H200)", None) == DEFAULT_BATCH_SIZE["GPU"]
    assert batch_size_for("/device:CPU:0", None) == DEFAULT_BATCH_SIZE["CPU"]
    assert batch_size_for("/device:CPU:0", 3) == 3


def private_folder() -> Path:
    return Path(os.environ["TF_XLA_FLAGS"].split(f"{CACHE_FLAG}=")[1].split()[0])


def test_a_job_sees_the_shared_entries_and_publishes_only_what_it_compiled(tmp_path, monkeypatch):
    monkeypatch.setenv("TF_XLA_FLAGS", "--tf_xla_auto_jit=0")
    shared = tmp_path / "xla"
    folder = shared / machine_kind()
    folder.mkdir(parents=True)
    (folder / "old.pb").write_bytes(b"compiled before")
    with compile_cache(shared) as used:
        private = private_folder()
        assert used == folder and private.parent == folder and private != folder
        assert os.environ["TF_XLA_FLAGS"].startswith("--tf_xla_auto_jit=0 ")
        assert (private / "old.pb").read_bytes() == b"compiled before"
        (private / "new.pb").write_bytes(b"compiled by this job")
        assert not (folder / "new.pb").exists()  # not visible to other jobs while written
    assert os.environ["TF_XLA_FLAGS"] == "--tf_xla_auto_jit=0"
    assert sorted(p.name for p in folder.iterdir()) == ["new.pb", "old.pb"]
    assert (folder / "new.pb").read_bytes() == b"compiled by this job"


def test_a_job_removes_the_folders_of_killed_jobs_on_its_host_only(tmp_path):
    folder = tmp_path / "xla" / machine_kind()
    killed = subprocess.Popen([sys.executable, "-c", "pass"])
    killed.wait()  # its pid is free now (and not reused this soon)
    host = platform.node()
    kept = [f".job-{os.getpid()}@{host}@abc", f".job-{killed.pid}@{host}-2@abc", ".job-old"]
    for name in [*kept, f".job-{killed.pid}@{host}@abc"]:
        (folder / name).mkdir(parents=True)
    with compile_cache(tmp_path / "xla"):
        mine = private_folder().name
    assert sorted(p.name for p in folder.iterdir()) == sorted(kept)
    assert mine.startswith(f".job-{os.getpid()}@{host}@")


def test_a_second_job_loads_what_the_first_compiled(tmp_path):
    """Two TensorFlow processes: the first compiles and adds its program, the second loads it."""
    script = (
        "import sys; from pathlib import Path\n"
        "from softnet.flow.compile_cache import compile_cache\n"
        "with compile_cache(Path(sys.argv[1])):\n"
        "    import tensorflow as tf\n"
        "    f = tf.function(lambda x: tf.sin(x) * 2.0 + 1.0, jit_compile=True)\n"
        "    print(round(float(f(tf.ones([4]))[0]), 5))\n"
    )
    # XLA's persistor says at verbose level 1 when it loads a compiled program
    environment = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "0"}
    environment["TF_CPP_VMODULE"] = "device_executable_persistor=1"
    loaded, counts = [], []
    for _ in range(2):
        run = [sys.executable, "-c", script, str(tmp_path)]
        result = subprocess.run(run, capture_output=True, text=True, env=environment)
        assert result.returncode == 0, result.stderr[-2000:]
        assert result.stdout.strip() == "2.68294"
        loaded.append("Loading cached entry" in result.stderr)
        counts.append(len(list(tmp_path.glob("*/*.pb"))))
    assert loaded == [False, True] and counts == [1, 1]
    assert not list(tmp_path.glob("*/.job-*"))  # private folders removed
