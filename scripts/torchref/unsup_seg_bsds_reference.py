"""PyTorch reference run of differentiable feature clustering (Kim, Kanezaki & Tanaka 2020) on the
BSDS500 val image of the golden test, at its budget: a quarter of the size, 40 iterations, q = 100,
nConv = 2, SGD lr 0.1 momentum 0.9, mu_sim = mu_con = 1. Ten PyTorch seeds give the spread that the
golden test's tolerance is built from. The labels are upsampled (nearest) to the ground truth's size
and scored with a best-match mIoU written here with numpy/scipy (an independent re-implementation
of the authors' evaluation, like the one in scripts/gen-metric-fixtures.py, without its scikit
dependencies). Run from the repository root with Debian's Python:
    /usr/bin/python3 scripts/torchref/unsup_seg_bsds_reference.py
Writes tests/fixtures/unsupervised-seg/bsds-reference.json (numbers only, no pixels)."""
import json
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image
from scipy import ndimage

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from unsup_seg_fixture import make_net  # noqa: E402  same layer order as kensa's UnsupSegNet


DATA = os.environ.get('KENSA_DATA', os.path.join(HERE, '..', '..', '..', 'shared', 'data'))
OUT = os.path.join('tests', 'fixtures', 'unsupervised-seg', 'bsds-reference.json')
IMAGE, ITERS, Q, SEEDS = '101085', 40, 100, list(range(10))


def components(pred):
    """4-connected components of every label: ids 0..n-1."""
    out = np.zeros(pred.shape, np.int64)
    n = 0
    for v in np.unique(pred):
        lab, k = ndimage.label(pred == v)  # default structure: 4-connectivity
        out[lab > 0] = lab[lab > 0] - 1 + n
        n += k
    return out, n


def best_match_miou(pred, gts):
    """Kim et al. (TIP 2020): split the prediction into 4-connected components, take each ground-
    truth segment's best IoU with any predicted segment, pool all annotators' segments (mean)."""
    comp, n = components(pred)
    sizes = np.bincount(comp.ravel(), minlength=n)
    pooled = []
    for gt in gts:
        for g in np.unique(gt):
            inside = comp[gt == g]
            ids, inter = np.unique(inside, return_counts=True)
            pooled.append(float(np.max(inter / (inside.size + sizes[ids] - inter))))
    return float(np.mean(pooled)), n


def segment(x, seed):
    torch.manual_seed(seed)
    net = make_net(Q)
    net.train()
    opt = torch.optim.SGD(net.parameters(), lr=0.1, momentum=0.9)
    for _ in range(ITERS):
        opt.zero_grad()
        r = net(x)
        labels = r.argmax(1)
        con = (r[:, :, 1:] - r[:, :, :-1]).abs().mean() + (r[:, :, :, 1:] - r[:, :, :, :-1]).abs().mean()
        loss = F.cross_entropy(r, labels) + con
        loss.backward()
        opt.step()
        if len(torch.unique(labels)) <= 3:  # minLabels 3
            break
    with torch.no_grad():
        return net(x).argmax(1)[0].numpy()


def main():
    torch.set_num_threads(1)
    root = os.path.join(DATA, 'bsds500', 'val')
    gts = []
    while os.path.exists(os.path.join(root, 'ground-truth', f'{IMAGE}_{len(gts)}.png')):
        gts.append(np.asarray(Image.open(os.path.join(root, 'ground-truth', f'{IMAGE}_{len(gts)}.png'))))
    H, W = gts[0].shape
    w, h = round(W / 4), round(H / 4)
    rgb = Image.open(os.path.join(root, 'images', f'{IMAGE}.jpg')).convert('RGB').resize((w, h), Image.BILINEAR)
    x = torch.from_numpy(np.asarray(rgb, dtype=np.float32) / 255).permute(2, 0, 1).unsqueeze(0).contiguous()
    ys = np.minimum(h - 1, (np.arange(H) * h) // H)
    xs = np.minimum(w - 1, (np.arange(W) * w) // W)
    runs = []
    for seed in SEEDS:
        lab = segment(x, seed)
        up = lab[ys][:, xs]
        miou, segments = best_match_miou(up, gts)
        runs.append({'seed': seed, 'labels': int(len(np.unique(lab))), 'miou': miou, 'segments': segments})
        print(runs[-1])
    mious = np.array([r['miou'] for r in runs])
    out = {'generator': 'scripts/torchref/unsup_seg_bsds_reference.py', 'torch': torch.__version__, 'image': IMAGE,
           'size': [w, h], 'iterations': ITERS, 'channels': Q, 'runs': runs,
           'miouMean': float(mious.mean()), 'miouSd': float(mious.std(ddof=1))}
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, 'w') as f:
        json.dump(out, f, indent=1)
        f.write('\n')
    print(OUT, out['miouMean'], out['miouSd'])


if __name__ == '__main__':
    main()
