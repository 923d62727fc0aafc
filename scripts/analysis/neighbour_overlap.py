#!/usr/bin/env python3
"""How much consecutive images of a class folder overlap (same field of view, shifted).

For every class folder, images are sorted by the last number in their file name; each pair at
lag 1, 2, 3, 5 and 8 positions is compared by phase correlation (on the grey image, cropped to
the rows above the SEM info bar and averaged over 4x4 blocks). The correlation peak is about the
fraction of the field the two images share: ~0.02 for unrelated fields, 1 for the same field.
Pairs from different classes give the unrelated baseline.

Used to choose kensa's default `--split contiguous` for `kensa metric`: when neighbours share their
field, a split that interleaves file numbers puts near-copies of training tiles in the test set.

    /usr/bin/python3 scripts/analysis/neighbour_overlap.py ../shared/data/sem-ncm [--rows 894]
"""
import argparse
import os
import re

import numpy as np
from PIL import Image


def load(path, rows):
    a = np.asarray(Image.open(path).convert("L"), dtype=np.float32)[:rows]
    h, w = (a.shape[0] // 4) * 4, (a.shape[1] // 4) * 4
    a = a[:h, :w].reshape(h // 4, 4, w // 4, 4).mean((1, 3))
    return (a - a.mean()) / (a.std() + 1e-6)


def peak(a, b):
    if a.shape != b.shape:
        return float("nan")
    r = np.fft.fft2(a) * np.conj(np.fft.fft2(b))
    r /= np.abs(r) + 1e-9
    return float(np.fft.ifft2(r).real.max())


def number(name):
    runs = re.findall(r"\d+", os.path.splitext(name)[0])
    return int(runs[-1]) if runs else -1


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("root")
    ap.add_argument("--rows", type=int, default=894, help="rows kept from the top (drops the info bar)")
    ap.add_argument("--lags", default="1,2,3,5,8")
    o = ap.parse_args()
    lags = [int(x) for x in o.lags.split(",")]
    classes = sorted(d for d in os.listdir(o.root) if os.path.isdir(os.path.join(o.root, d)))
    firsts = []
    print("class       " + "".join(f"  lag {k}: median (min)" for k in lags))
    for c in classes:
        names = sorted((f for f in os.listdir(os.path.join(o.root, c)) if not f.startswith(".")), key=number)
        ims = [load(os.path.join(o.root, c, f), o.rows) for f in names]
        firsts.append(ims)
        cells = []
        for k in lags:
            v = [peak(ims[i], ims[i + k]) for i in range(len(ims) - k)]
            cells.append(f"  {np.nanmedian(v):6.3f} ({np.nanmin(v):.3f})      ")
        print(f"{c:12s}" + "".join(cells))
    cross = [peak(firsts[i][j], firsts[i + 1][j]) for i in range(len(firsts) - 1) for j in range(min(len(firsts[i]), len(firsts[i + 1])))]
    print(f"different classes (unrelated fields): median {np.nanmedian(cross):.3f}, max {np.nanmax(cross):.3f}")


if __name__ == "__main__":
    main()
