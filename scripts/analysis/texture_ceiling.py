#!/usr/bin/env python3
"""The texture reference on kensa's open-set folds: 3 known classes (each class held out in turn).

For every held-out class and each of the 5 contiguous test blocks (training images within --guard
positions of the test block dropped, as in texture_baseline.py), the logistic regression on radial
power spectrum + intensity histogram (texture_baseline.tile_features / fit_predict) is fitted on the
known classes' training tiles; printed: test tile accuracy, image accuracy (majority vote of the
image's tiles), the confusion of the known classes, and the mean over blocks and held-out classes.
A second table fits each pair of classes alone (2-class tile accuracy over the 5 blocks), which
shows which pair carries the errors.

    /usr/bin/python3 scripts/analysis/texture_ceiling.py ../shared/data/sem-ncm [--tile 256] [--downsample 1] [--pairs-only] [--drop-val]
"""
import argparse
import itertools
import os
import sys

import numpy as np
import torch
from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from texture_baseline import fit_predict, number, tile_features  # noqa: E402


def shrink(img, f):
    """Area average over f x f blocks (kensa's --downsample)."""
    if f == 1:
        return img
    h, w = img.shape[0] // f * f, img.shape[1] // f * f
    return img[:h, :w].reshape(h // f, f, w // f, f).mean(axis=(1, 3))


def load(root, rows, tile, f=1):
    classes = sorted(d for d in os.listdir(root) if os.path.isdir(os.path.join(root, d)))
    feats, labels, index, count, image = [], [], [], [], []
    for ci, c in enumerate(classes):
        names = sorted((f for f in os.listdir(os.path.join(root, c)) if not f.startswith(".")), key=number)
        for k, name in enumerate(names):
            im_id = len(set(image)) if image else 0
            img = np.asarray(Image.open(os.path.join(root, c, name)).convert("L"), dtype=np.float32)[:rows]
            for v in tile_features(shrink(img, f), tile // f):
                feats.append(v)
                labels.append(ci)
                index.append(k)
                count.append(len(names))
                image.append(im_id)
    return classes, np.array(feats), np.array(labels), np.array(index), np.array(count), np.array(image)


def folds(k, n, guard, drop_val=False):
    """Per block b: training mask (outside the test block and its guard; with drop_val also outside
    the block before it, kensa's validation block, wrapping round) and test mask."""
    for b in range(5):
        lo, hi = np.floor(b * n / 5), np.floor((b + 1) * n / 5)
        train = (k < lo - guard) | (k >= hi + guard)
        if drop_val:
            v = (b - 1) % 5
            train &= ~((k >= np.floor(v * n / 5)) & (k < np.floor((v + 1) * n / 5)))
        yield b, train, (k >= lo) & (k < hi)


def run(x, y, k, n, img, keep, guard, drop_val=False):
    """Tile and image accuracy per block on the classes in `keep` (relabelled 0..len-1)."""
    m = np.isin(y, keep)
    xs, ks, ns, ims = x[m], k[m], n[m], img[m]
    ys = np.searchsorted(np.array(keep), y[m])
    out = []
    for b, train, test in folds(ks, ns, guard, drop_val):
        pred = fit_predict(xs, ys, np.where(train)[0])
        tile = np.mean(pred[test] == ys[test])
        votes = [np.bincount(pred[test & (ims == i)], minlength=len(keep)).argmax() == ys[test & (ims == i)][0] for i in np.unique(ims[test])]
        conf = np.zeros((len(keep), len(keep)), int)
        for t, p in zip(ys[test], pred[test]):
            conf[t, p] += 1
        out.append((b, tile, float(np.mean(votes)), conf))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("root")
    ap.add_argument("--rows", type=int, default=894)
    ap.add_argument("--tile", type=int, default=256)
    ap.add_argument("--guard", type=int, default=4)
    ap.add_argument("--downsample", type=int, default=1, help="area-average the image by this factor first (tiles of tile/downsample px)")
    ap.add_argument("--pairs-only", action="store_true", help="only the 2-class table")
    ap.add_argument("--drop-val", action="store_true", help="train without the block before the test block too (kensa's validation block)")
    o = ap.parse_args()
    torch.set_num_threads(1)
    classes, x, y, k, n, img = load(o.root, o.rows, o.tile, o.downsample)
    allt, alli = [], []
    for u, name in enumerate([] if o.pairs_only else classes):
        keep = [c for c in range(len(classes)) if c != u]
        rs = run(x, y, k, n, img, keep, o.guard, o.drop_val)
        for b, tile, im, conf in rs:
            print(f"{name} held out, block {b}: tiles {tile:.3f}, images {im:.3f}, confusion {conf.tolist()} ({'/'.join(classes[c] for c in keep)})")
        t, i = [r[1] for r in rs], [r[2] for r in rs]
        allt += t
        alli += i
        print(f"{name} held out: tiles {np.mean(t):.3f} ± {np.std(t, ddof=1):.3f}, images {np.mean(i):.3f}")
    if not o.pairs_only:
        print(f"3 known classes, 5 blocks x 4 held-out: tiles {np.mean(allt):.3f} ± {np.std(allt, ddof=1):.3f} (min {np.min(allt):.3f}), images {np.mean(alli):.3f} ± {np.std(alli, ddof=1):.3f}")
    for a, b in itertools.combinations(range(len(classes)), 2):
        rs = run(x, y, k, n, img, [a, b], o.guard, o.drop_val)
        print(f"pair {classes[a]} vs {classes[b]}: tiles {np.mean([r[1] for r in rs]):.3f} (blocks {' '.join(f'{r[1]:.2f}' for r in rs)}), images {np.mean([r[2] for r in rs]):.3f}")


if __name__ == "__main__":
    main()
