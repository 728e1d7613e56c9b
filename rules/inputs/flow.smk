"""The input functions of the flow rule: its output, and resources sized to the video."""

from snakemake.exceptions import WorkflowError

from softnet.datasets.index import load_videos
from softnet.flow.engine_choice import flow_job_threads


def dataset_videos(wildcards):
    """The job's dataset's index of videos, read from the file, not through the checkpoint:
    cluster jobs evaluate resources without the checkpoint's state, and Snakemake 9 then fails
    on an incomplete-checkpoint value."""
    return load_videos(path_of("videos", wildcards))


def flow_threads(wildcards):
    """flow.threads, or fewer where a local run has more flow jobs than that fills (one thread
    each at least); cluster jobs keep flow.threads."""
    threads = config["flow"]["threads"]
    if not (workflow.is_main_process and workflow.local_exec):
        return threads
    try:
        cores = workflow.cores
    except WorkflowError:  # a dry run without --cores
        return threads
    return flow_job_threads(threads, cores, len(dataset_videos(wildcards)))


def video_frames(wildcards):
    """Frame count of the job's video, from the dataset's index."""
    videos = dataset_videos(wildcards)
    chosen = videos[
        (videos["subject"] == wildcards.subject) & (videos["video"] == wildcards.video)
    ]
    return int(chosen["frame_count"].iloc[0])


def flow_mem_mb(wildcards, threads):
    """Each OpenCV worker holds the video's crops (a long SAMM video: ~190 MB) and a few
    frames; the TensorFlow engine (which auto may choose) holds them once as bytes and twice
    as float32 while they go to the device, beside TensorFlow's own ~1.5 GB."""
    crops_mb = video_frames(wildcards) * config["face"]["size"] ** 2 / 1e6
    opencv = 800 + threads * (300 + 1.5 * crops_mb)
    if config["flow"]["engine"] == "opencv":
        return int(opencv)
    return int(max(opencv, 1500 + 9 * crops_mb))


def flow_runtime(wildcards, threads):
    """Minutes for the video's TV-L1 pairs at a conservative 0.4 s a pair and process."""
    pairs = video_frames(wildcards) - int(wildcards.k)
    return int(15 + pairs * 0.4 / threads / 60)


def flow_gpus(wildcards):
    """GPUs of a flow job: the tensorflow engine uses them, and auto chooses it when given one."""
    if config["flow"]["engine"] == "opencv":
        return 0
    return config["flow"]["gpus"]


def flow_output(path):
    """The flow file, temp() with flow.keep_flow false: deleted once its ROI stacks exist."""
    return path if config["flow"]["keep_flow"] else temp(path)
