"""A folder of clips where some cannot be spotted: each is skipped with its reason, every other
clip is spotted, a rerun does nothing, a replaced clip is spotted, spot.strict stops."""

import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml

from softnet.datasets.demo import make_demo
from tests.helpers.videos import folder_to_video, noise_frames, write_video
from tests.helpers.workflow_runs import TINY, planned_jobs, snakemake

pytestmark = pytest.mark.workflow

MODEL = "published-casme2"


def spot(repo: Path, workdir: Path, config: dict, *args: str):
    path = workdir / "spot.yaml"
    path.write_text(yaml.safe_dump(config))
    return snakemake(repo, workdir, "spot", *args, "--configfile", str(path))


COLUMNS = ["subject", "video", "type", "model", "status", "fps", "k", "feature_frames"]
COLUMNS += ["threshold", "intervals", "onsets_s", "reason"]


def read_summary(workdir: Path) -> pd.DataFrame:
    path = workdir / "results" / "spot" / "applied" / MODEL / "summary.csv"
    summary = pd.read_csv(path, dtype={"subject": str, "video": str})
    assert list(summary.columns) == COLUMNS
    assert set(summary["subject"]) == {"lab"} and set(summary["model"]) == {MODEL}
    summary["reason"] = summary["reason"].fillna("")
    return summary.set_index(["video", "type"])


@pytest.fixture(scope="module")
def archive(repo, published_weights, tmp_path_factory):
    """lab/: a good clip (a demo video), a clip of 12 frames (enough for micro k = 6, too few
    for macro k = 18) and a clip of noise without a face; spotted with the published ensemble."""
    workdir = tmp_path_factory.mktemp("archive")
    make_demo(workdir / "demo", subjects=2, frames=60, seed=1)
    videos = sorted((workdir / "demo" / "rawpic").glob("s*/*"))
    lab = workdir / "clips" / "lab"
    folder_to_video(videos[0], lab / "good.avi", "FFV1")
    lab.joinpath("short").mkdir()
    for frame in sorted(videos[0].glob("img*.jpg"))[:12]:
        shutil.copy(frame, lab / "short" / frame.name)
    write_video(lab / "faceless.avi", noise_frames(40, size=(320, 240)))
    config = {
        **TINY,
        "spot": {"inputs": [str(lab)], "models": [MODEL], "fps": 30},
        "published_weights": str(published_weights),
    }
    result = spot(repo, workdir, config)
    assert result.returncode == 0, result.stderr[-4000:]
    return workdir, lab, videos, config


def test_the_faceless_and_the_short_clip_are_skipped_and_the_others_spotted(archive):
    workdir = archive[0]
    summary = read_summary(workdir)
    assert list(summary.index) == [
        ("faceless", "micro"), ("good", "micro"), ("short", "micro"),
        ("faceless", "macro"), ("good", "macro"), ("short", "macro"),
    ]  # fmt: skip
    faceless = summary.loc["faceless"]
    assert (faceless["fps"] == 30.0).all() and faceless["intervals"].isna().all()
    spotted = [("good", "micro"), ("good", "macro"), ("short", "micro")]
    assert sorted(summary.index[summary["status"] == "spotted"]) == sorted(spotted)
    assert (summary.loc[spotted, "reason"] == "").all()
    for kind in ("micro", "macro"):
        reason = summary.loc[("faceless", kind), "reason"]
        assert summary.loc[("faceless", kind), "status"] == "skipped"
        assert "faceless: the face detector found no face in" in reason
        assert "it searched all 40 frames of the video" in reason
    short = summary.loc[("short", "macro")]
    assert short["status"] == "skipped" and short["k"] == 18
    assert "12 frames are too few for model published-casme2 (macro) (k = 18" in short["reason"]
    folder = workdir / "results" / "spot" / "applied" / MODEL / "videos"
    for video, kind in spotted:
        assert (folder / f"lab__{video}.{kind}.intervals.csv").is_file()
        assert (folder / f"lab__{video}.{kind}.scores.csv").is_file()
    assert sorted(p.name for p in folder.glob("*.timeline.png")) == [
        "lab__good.timeline.png",
        "lab__short.timeline.png",
    ]
    assert not list(folder.glob("lab__faceless*")) and not list(folder.glob("lab__short.macro*"))


def test_a_rerun_does_nothing_and_strict_stops_at_the_skipped_clip(repo, archive):
    workdir, _, _, config = archive
    again = spot(repo, workdir, config, "-n")
    assert again.returncode == 0, again.stderr[-2000:]
    assert planned_jobs(again) == {}
    strict = spot(repo, workdir, {**config, "spot": {**config["spot"], "strict": True}}, "-n")
    assert strict.returncode != 0
    assert "the face detector found no face in" in strict.stdout + strict.stderr


def test_a_replaced_clip_is_spotted_and_the_others_are_not_redone(repo, archive):
    workdir, lab, videos, config = archive
    results = workdir / "results" / "spot"
    kept = sorted(
        p for stage in ("faces", "flow", "roi") for p in (results / stage).rglob("*good.h5")
    )
    assert len(kept) == 5  # faces, and flow and ROI at k = 6 and 18
    times = [p.stat().st_mtime_ns for p in kept]
    (lab / "faceless.avi").unlink()
    folder_to_video(videos[1], lab / "faceless.avi", "FFV1")
    result = spot(repo, workdir, config)
    assert result.returncode == 0, result.stderr[-4000:]
    summary = read_summary(workdir)
    assert (summary.loc["faceless", "status"] == "spotted").all()
    assert [p.stat().st_mtime_ns for p in kept] == times
