import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_benchmark_starts_and_prints_its_table():
    out = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "run.py"), "--quick"], capture_output=True,
                         text=True, timeout=300, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    for title in ("LandauLayer forward+backward", "One 2-layer training step", "LangevinLandau.step",
                  "One epoch on", "Projected notebook-01"):
        assert title in out.stdout
    assert "x |" in out.stdout or "x**" in out.stdout     # ratios are printed


def test_alternatives_script_checks_gradients_and_prints_its_table():
    out = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "alternatives.py"), "--no-compile", "--no-fused"],
                         capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    assert "autograd: largest relative gradient difference from the library" in out.stdout
    for name in ("| library |", "| autograd |", "| 3 products |"):
        assert name in out.stdout
