#!/usr/bin/env python3
"""Upper bound on 3-class closed-set tile accuracy from per-block 2-class (pair) accuracies.

Reads lines "pair A vs B: tiles T (blocks p0 p1 p2 p3 p4) ..." (texture_ceiling.py's pair table; a CNN
run's pair numbers can be written in the same form) from every file given, keeps per pair and block
the best accuracy found, and bounds each open-set fold (one class held out, test block b).

Why it bounds: a 3-class classifier restricted to the tiles of classes a and b, predicting whichever
of a and b has the larger logit, is a 2-class classifier that is right on every tile of a or b that
the 3-class one gets right. If no 2-class classifier does better than p_ab on block b, then with equal
test tiles per class (every class has the same number of test images and tiles per image),
A_a + A_b <= 2 p_ab for the per-class accuracies A, hence
    3-class accuracy = (A_a + A_b + A_c) / 3 <= min((p_ab + p_ac + p_bc) / 3, min over pairs (2 p + 1) / 3).
It is a ceiling relative to the best pair classifiers measured, not a proof about every network.
Printed: the bound per fold, its mean over folds, and the same with only the listed hard pair
limited (every other pair taken as perfect).

    /usr/bin/python3 scripts/analysis/pair_bound.py pairs1.txt [pairs2.txt ...] [--protocol RUN_DIR ...] [--hard NCM523,NCM622]
"""
import argparse
import itertools
import json
import os
import re

LINE = re.compile(r"pair (\S+) vs (\S+): tiles [0-9.]+ \(blocks ([0-9. ]+)\)")


def read(paths):
    best = {}
    for p in paths:
        with open(p) as f:
            for line in f:
                m = LINE.search(line)
                if not m:
                    continue
                key = tuple(sorted((m.group(1), m.group(2))))
                accs = [float(v) for v in m.group(3).split()]
                old = best.get(key)
                best[key] = accs if old is None else [max(a, b) for a, b in zip(old, accs)]
    return best


def merge(best, key, block, acc, blocks=5):
    old = best.setdefault(key, [0.0] * blocks)
    old[block] = max(old[block], acc)


def read_protocol(paths, best):
    """Pair accuracies implied by 3-class confusions of openset-eval runs: on the tiles of a and b,
    the network's a-vs-b decision is right at least where its 3-class prediction is right, so
    (c_aa + c_bb) / (n_a + n_b) is a measured (lower) accuracy of that network on the pair."""
    for p in paths:
        with open(os.path.join(p, "metrics.json")) as f:
            m = json.load(f)
        blocks = m["protocol"]["blockCount"]
        for r in m["folds"]:
            names, c = r["knownClasses"], r["confusion"]
            for i, j in itertools.combinations(range(len(names)), 2):
                n = sum(c[i]) + sum(c[j])
                if n:
                    merge(best, tuple(sorted((names[i], names[j]))), r["testBlock"], (c[i][i] + c[j][j]) / n, blocks)


def fold_bound(pairs, known, block, only=None):
    """Bound for the 3 known classes on one block; pairs outside `only` count as perfect when given."""
    def p(a, b):
        key = tuple(sorted((a, b)))
        if only is not None and key != only:
            return 1.0
        if key not in pairs:
            raise SystemExit(f"pair_bound: no accuracy for pair {key[0]} vs {key[1]} in the input files")
        return pairs[key][block]
    ps = [p(a, b) for a, b in itertools.combinations(known, 2)]
    return min(sum(ps) / 3, min((2 * v + 1) / 3 for v in ps))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("files", nargs="*")
    ap.add_argument("--protocol", action="append", default=[], help="an openset-eval run folder; its folds' confusions add measured pair accuracies (repeatable)")
    ap.add_argument("--hard", default="NCM523,NCM622", help="the pair bounded alone in the second table")
    o = ap.parse_args()
    pairs = read(o.files)
    read_protocol(o.protocol, pairs)
    if not pairs:
        raise SystemExit("pair_bound: no 'pair A vs B: ... (blocks ...)' lines in the input files")
    classes = sorted({c for k in pairs for c in k})
    blocks = len(next(iter(pairs.values())))
    hard = tuple(sorted(o.hard.split(",")))
    for title, only in (("every pair at its best measured accuracy", None), (f"only {hard[0]} vs {hard[1]} limited", hard)):
        allb = []
        print(f"bound, {title}:")
        for u in classes:
            known = [c for c in classes if c != u]
            bs = [fold_bound(pairs, known, b, only) for b in range(blocks)]
            allb += bs
            print(f"  {u} held out: blocks {' '.join(f'{v:.3f}' for v in bs)}, mean {sum(bs) / len(bs):.3f}")
        print(f"  mean over {len(allb)} folds: {sum(allb) / len(allb):.3f}")


if __name__ == "__main__":
    main()
