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
