"""Turning saved training histories into the numbers of a results table (json + markdown)."""
import json
import math
from pathlib import Path


def final_accuracy(history):
    """Test accuracy after the last epoch, or None when the run diverged or has no epochs."""
    if history.get("status") == "diverged" or not history["epochs"]:
        return None
    return history["epochs"][-1]["test_acc"]


def summarize(histories):
    """Per-seed final and best test accuracy over the runs of one table row, with mean and std.

    mean/std are over the seeds that finished (sample std, ddof=1); diverged seeds are counted and
    listed with the epoch at which they diverged, never averaged in as a number.
    """
    seeds = []
    for h in histories:
        accs = [e["test_acc"] for e in h["epochs"]]
        seeds.append({"seed": h["meta"]["seed"], "final_test_acc": final_accuracy(h),
                      "best_test_acc": max(accs) if accs else None,
                      "best_epoch": accs.index(max(accs)) + 1 if accs else None,
                      "epochs_run": len(accs), "status": h.get("status"),
                      "diverged_at_epoch": h.get("divergence", {}).get("epoch")})
    done = [s["final_test_acc"] for s in seeds if s["final_test_acc"] is not None]
    mean = sum(done) / len(done) if done else None
    std = math.sqrt(sum((a - mean) ** 2 for a in done) / (len(done) - 1)) if len(done) > 1 else 0.0 if done else None
    return {"per_seed": seeds, "mean_test_acc": mean, "std_test_acc": std, "finished": len(done),
            "diverged": len(seeds) - len(done)}


def fmt_acc(mean, std=None):
    """'91.23 ± 0.45 %' from fractions; '—' for None."""
    if mean is None:
        return "—"
    return f"{100 * mean:.2f} ± {100 * std:.2f} %" if std is not None else f"{100 * mean:.2f} %"


def markdown_table(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    return "\n".join(lines) + "\n"


def write_results(data, json_path, md_path=None, markdown=None):
    """Write `data` as json and, if given, `markdown` next to it; creates the folders."""
    json_path = Path(json_path)
    json_path.parent.mkdir(parents=True, exist_ok=True)
    json_path.write_text(json.dumps(data, indent=1) + "\n")
    if md_path is not None:
        Path(md_path).write_text(markdown)
