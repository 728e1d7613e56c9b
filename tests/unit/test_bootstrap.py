"""bootstrap.py spot: the config it writes, the plan before the work, the outcome after it."""

import json

import bootstrap


def test_spot_plans_first_then_spots_with_the_config_it_wrote(tmp_path, monkeypatch):
    monkeypatch.setattr(bootstrap, "ROOT", tmp_path)
    steps = bootstrap.spot_steps(["clip.mp4", "--strict", "--name", "lab", "--", "-j", "1"])
    config = json.loads((tmp_path / "results" / "lab" / "command.yaml").read_text())
    assert config["spot"]["strict"] is True and config["spot"]["name"] == "lab"
    assert config["spot"]["models"] == ["published-casme2"]
    assert [step.command[3] for step in steps] == ["results/lab/plan.txt", "spot"]
    assert all(step.command[-2:] == ["-j", "1"] for step in steps)
    dry = bootstrap.spot_steps(["clip.mp4", "--dry-run"])
    assert [step.command[3] for step in dry] == ["results/spot/plan.txt"]
    spot = json.loads((tmp_path / "results" / "spot" / "command.yaml").read_text())["spot"]
    assert spot["strict"] is False


def test_the_outcome_names_each_skipped_video_and_why(tmp_path, capsys):
    summary = tmp_path / "summary.csv"
    summary.write_text(
        "subject,video,type,model,status,reason\n"
        "lab,good,micro,m,spotted,\n"
        "lab,dark,micro,m,skipped,no face\n"
        "lab,good,macro,m,spotted,\n"
        "lab,dark,macro,m,skipped,no face\n"
        "lab,tiny,macro,m,skipped,too short\n"
    )
    bootstrap.print_outcome([summary])
    assert capsys.readouterr().out.splitlines() == [
        f"m: 1 video(s) spotted; results in {tmp_path}",
        "  skipped lab/dark (micro, macro): no face",
        "  skipped lab/tiny (macro): too short",
    ]
