#!/usr/bin/env python3
"""Lever study over `kensa metric openset-eval` protocol runs: each run against a baseline run, paired by fold.

Every run folder's metrics.json holds per fold (test block, seed, held-out class) and head the
closed-set tile/image accuracy and the tile AUROC of every unknown score. Printed per run and head:
means over folds of tile and image accuracy and of the AUROC of each head's best score (best = the
highest mean AUROC in that run), the paired difference to the baseline run's same head (same folds,
mean and 95 % percentile-bootstrap interval over folds, 2000 resamples, wins/losses; the baseline
is the first run), and the head's best score minus softmax MSP on the same folds (softmax MSP from
the same run, or from the baseline when the run has no softmax head). Also the training seconds
summed over folds (wall time under load, not a benchmark).

    /usr/bin/python3 scripts/analysis/protocol_compare.py base=RUN_DIR name=RUN_DIR[+RUN_DIR2] ...
"""
import argparse
import json
import os

import numpy as np


def load(path):
    with open(os.path.join(path, "metrics.json")) as f:
        m = json.load(f)
    out = {}
    for r in m["folds"]:
        out[(r["head"], r["testBlock"], r["seed"], r["unknownClass"])] = r
    return out


def interval(d, resamples=2000, seed=0):
    d = np.asarray([v for v in d if np.isfinite(v)], dtype=float)
    if d.size == 0:
        return float("nan"), float("nan"), float("nan")
    rng = np.random.default_rng(seed)
    means = d[rng.integers(0, d.size, size=(resamples, d.size))].mean(1)
    return float(d.mean()), float(np.quantile(means, 0.025)), float(np.quantile(means, 0.975))


def paired(a, b):
    d = [x - y for x, y in zip(a, b)]
    m, lo, hi = interval(d)
    return m, lo, hi, sum(x > 0 for x in d), sum(x < 0 for x in d)


def fmt_d(p, pct=False):
    m, lo, hi, w, l = p
    k = 100 if pct else 1
    unit = " pt" if pct else ""
    bold = "**" if lo > 0 or hi < 0 else ""
    return f"{bold}{m * k:+.{1 if pct else 3}f} [{lo * k:+.{1 if pct else 3}f}, {hi * k:+.{1 if pct else 3}f}]{unit}{bold} ({w}/{l})"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("runs", nargs="+", help="name=RUN_DIR, or name=DIR1+DIR2 for one configuration run in parts (folds merged); the first is the baseline")
    o = ap.parse_args()
    runs = []
    for spec in o.runs:
        if "=" not in spec:
            raise SystemExit(f"protocol_compare: '{spec}' is not name=RUN_DIR")
        name, paths = spec.split("=", 1)
        res = {}
        for path in paths.split("+"):
            if not os.path.isfile(os.path.join(path, "metrics.json")):
                raise SystemExit(f"protocol_compare: {path}/metrics.json not found")
            res.update(load(path))
        runs.append((name, res))
    base_name, base = runs[0]
    print("| config | head | folds | tiles | images | best score: AUROC | Δ tiles vs base | Δ images vs base | Δ best-score AUROC vs base | best score − softmax MSP | train s |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for name, res in runs:
        heads = sorted({k[0] for k in res}, key=lambda h: (h != "softmax", h))
        for h in heads:
            keys = sorted(k for k in res if k[0] == h)
            rs = [res[k] for k in keys]
            tiles = [r["closedSetTileAccuracy"] for r in rs]
            imgs = [r["closedSetImageAccuracy"] for r in rs]
            scores = list(rs[0]["scores"].keys())
            mean_auc = {s: np.nanmean([r["scores"][s]["auroc"] for r in rs]) for s in scores}
            best = max(scores, key=lambda s: mean_auc[s])
            auc = [r["scores"][best]["auroc"] for r in rs]
            cells = [name, h, str(len(rs)), f"{np.mean(tiles) * 100:.1f} %", f"{np.mean(imgs) * 100:.1f} %", f"{best}: {mean_auc[best]:.3f}"]
            bk = [k for k in keys if k in base]
            if name != base_name and bk:
                b = [base[k] for k in bk]
                a = [res[k] for k in bk]
                cells.append(fmt_d(paired([r["closedSetTileAccuracy"] for r in a], [r["closedSetTileAccuracy"] for r in b]), True))
                cells.append(fmt_d(paired([r["closedSetImageAccuracy"] for r in a], [r["closedSetImageAccuracy"] for r in b]), True))
                cells.append(fmt_d(paired([r["scores"][best]["auroc"] for r in a], [r["scores"][best]["auroc"] for r in b])))
            else:
                cells += ["—", "—", "—"]
            if h != "softmax":
                src = res if any(k[0] == "softmax" for k in res) else base
                sk = [k for k in keys if ("softmax",) + k[1:] in src]
                cells.append(fmt_d(paired([res[k]["scores"][best]["auroc"] for k in sk], [src[("softmax",) + k[1:]]["scores"]["msp"]["auroc"] for k in sk])))
            else:
                cells.append(f"MSP {np.nanmean([r['scores']['msp']['auroc'] for r in rs]):.3f}")
            cells.append(f"{sum(r['trainSeconds'] for r in rs):.0f}")
            print("| " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
