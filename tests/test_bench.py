"""The benchmark's memory figure counts the workers with the process that started them."""
import subprocess
import sys

from evaluation.bench import TreeMemory


def test_the_process_trees_peak_counts_a_childs_memory():
    hold = "b = bytearray(300 * 2**20); b[::4096] = b'x' * len(b[::4096]); import time; time.sleep(1.5)"
    with TreeMemory(interval=0.05) as alone:
        subprocess.run([sys.executable, "-c", "import time; time.sleep(1.5)"], check=True)
    with TreeMemory(interval=0.05) as tree:
        subprocess.run([sys.executable, "-c", hold], check=True)
    assert tree.peak_mb - alone.peak_mb > 250  # the child's 300 MB, touched page by page


def test_the_peer_runs_in_a_process_of_its_own_and_its_two_timings_make_one_speed():
    from pathlib import Path

    from evaluation.bench import bracketed_peer, peer_process

    files = sorted((Path(__file__).resolve().parents[1] / "seeds" / "documents").glob("*.txt"))[:2]
    before, after = peer_process(files), peer_process(files)
    assert before["documents"] == after["documents"] == 2
    assert before["mb"] == after["mb"] == sum(p.stat().st_size for p in files) / 1e6
    assert before["seconds"] > 0 and after["seconds"] > 0
    both = bracketed_peer(before, after)
    # the total megabytes over the total seconds, not the mean of the two speeds
    assert both["mb_per_s"] == 2 * before["mb"] / (before["seconds"] + after["seconds"])
    assert both["before_build"] is before and both["after_build"] is after
    assert "jionlp" not in sys.modules  # the peer's libraries never load into this process
