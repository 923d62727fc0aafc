#!/usr/bin/env python3
"""A non-CNN reference for closed-set tile accuracy on a class-folder SEM dataset.

Each tile (default 256 px, cut on a grid above the info bar) is standardised, and described by
its log radially averaged power spectrum (Hann window) and a 16-bin intensity histogram; an
L2-regularised multinomial logistic regression (PyTorch, L-BFGS) is fitted on training tiles.
Two protocols, both splitting by source image in file-number order within each class:

  contiguous  first 60 % train, next 20 % val, last 20 % test (kensa's `--split contiguous`)
  blocks      5 folds of consecutive images; training images within --guard positions of the
              test block are dropped (neighbouring fields overlap)

It tells how far plain texture statistics carry across the acquisition sequence, next to the
CNN numbers of `kensa metric openset-eval`.

    /usr/bin/python3 scripts/analysis/texture_baseline.py ../shared/data/sem-ncm
"""
import argparse
import os
import re

import numpy as np
import torch
from PIL import Image


def number(name):
    runs = re.findall(r"\d+", os.path.splitext(name)[0])
    return int(runs[-1]) if runs else -1


def tile_features(img, t):
    yy, xx = np.mgrid[:t, :t]
    r = np.hypot(yy - t // 2, xx - t // 2).astype(int)
    counts = np.bincount(r.ravel())[: t // 2]
    win = np.outer(np.hanning(t), np.hanning(t))
    out = []
    for y in range(0, img.shape[0] - t + 1, t):
        for x in range(0, img.shape[1] - t + 1, t):
            a = img[y : y + t, x : x + t]
            a = (a - a.mean()) / (a.std() + 1e-3)
            p = np.abs(np.fft.fftshift(np.fft.fft2(a * win))) ** 2
            prof = np.bincount(r.ravel(), p.ravel())[: t // 2] / counts
            hist = np.histogram(a, bins=16, range=(-3, 3))[0] / a.size
            out.append(np.concatenate([np.log(prof[1:] + 1e-6), hist]))
    return out


def fit_predict(x, y, train):
    mu, sd = x[train].mean(0), x[train].std(0) + 1e-6
    xt = torch.tensor((x - mu) / sd, dtype=torch.float32)
    yt = torch.tensor(y)
    c = int(y.max()) + 1
    w = torch.zeros(x.shape[1], c, requires_grad=True)
    b = torch.zeros(c, requires_grad=True)
    opt = torch.optim.LBFGS([w, b], max_iter=300)
    tr = torch.tensor(train)

    def closure():
        opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(xt[tr] @ w + b, yt[tr]) + 1e-3 * (w**2).sum()
        loss.backward()
        return loss

    opt.step(closure)
    with torch.no_grad():
        return (xt @ w + b).argmax(1).numpy()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("root")
    ap.add_argument("--rows", type=int, default=894, help="rows kept from the top (drops the info bar)")
    ap.add_argument("--tile", type=int, default=256)
    ap.add_argument("--guard", type=int, default=4)
    o = ap.parse_args()
    torch.set_num_threads(1)
    classes = sorted(d for d in os.listdir(o.root) if os.path.isdir(os.path.join(o.root, d)))
    feats, labels, index, count = [], [], [], []
    for ci, c in enumerate(classes):
        names = sorted((f for f in os.listdir(os.path.join(o.root, c)) if not f.startswith(".")), key=number)
        for k, f in enumerate(names):
            img = np.asarray(Image.open(os.path.join(o.root, c, f)).convert("L"), dtype=np.float32)[: o.rows]
            for v in tile_features(img, o.tile):
                feats.append(v)
                labels.append(ci)
                index.append(k)
                count.append(len(names))
    x, y, k, n = np.array(feats), np.array(labels), np.array(index), np.array(count)
    per_class = lambda pred, m: " ".join(f"{c} {np.mean(pred[m & (y == i)] == i):.2f}" for i, c in enumerate(classes))
    train, test = k < np.floor(0.6 * n), k >= np.floor(0.8 * n)
    pred = fit_predict(x, y, train)
    print(f"contiguous: train {np.mean(pred[train] == y[train]):.3f}, test {np.mean(pred[test] == y[test]):.3f} ({per_class(pred, test)})")
    accs = []
    for fold in range(5):
        lo, hi = np.floor(fold * n / 5), np.floor((fold + 1) * n / 5)
        test = (k >= lo) & (k < hi)
        train = (k < lo - o.guard) | (k >= hi + o.guard)
        pred = fit_predict(x, y, train)
        accs.append(np.mean(pred[test] == y[test]))
        print(f"blocks fold {fold}: train {np.mean(pred[train] == y[train]):.3f}, test {accs[-1]:.3f} ({per_class(pred, test)})")
    print(f"blocks: mean test tile accuracy {np.mean(accs):.3f} ± {np.std(accs, ddof=1):.3f}")


if __name__ == "__main__":
    main()
