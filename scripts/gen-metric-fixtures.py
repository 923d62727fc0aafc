#!/usr/bin/python3
"""Reference values for src/metrics and the unsupervised-segmentation baselines.

Run with Debian's Python (python3-sklearn, python3-skimage, python3-pil):

    /usr/bin/python3 scripts/gen-metric-fixtures.py tests/fixtures/metrics

Writes small JSON files. Nothing from ../shared/data is copied: for the BSDS500 checks only
numbers computed from it (metric values, a pixel hash, an algorithm's label map) are stored.
"""
import base64
import gzip
import hashlib
import json
import os
import sys

import numpy as np
import sklearn
import skimage
from PIL import Image
from scipy.stats import entropy
from sklearn.metrics import (accuracy_score, average_precision_score, confusion_matrix,
                             mutual_info_score, rand_score, roc_auc_score, roc_curve)
from skimage.measure import label as sk_label
from skimage.metrics import variation_of_information
from skimage.segmentation import felzenszwalb
from skimage._shared.filters import gaussian
from skimage.util import img_as_float64

OUT = sys.argv[1] if len(sys.argv) > 1 else 'tests/fixtures/metrics'
DATA = os.environ.get('KENSA_DATA', os.path.join(os.path.dirname(__file__), '..', '..', 'shared', 'data'))
BSDS_ID = '101085'  # one val image; 321x481 portrait
rng = np.random.default_rng(20240601)


def dump(name, obj):
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, name), 'w') as f:
        json.dump(obj, f, separators=(',', ':'))
        f.write('\n')
    print(f'{name}: {os.path.getsize(os.path.join(OUT, name))} bytes')


def versions():
    return {'sklearn': sklearn.__version__, 'skimage': skimage.__version__, 'numpy': np.__version__}


def fpr_at_tpr(y_unknown, s, tpr_target):
    # FPR at the first ROC point (thresholds descending) whose TPR reaches the target: no interpolation.
    fpr, tpr, _ = roc_curve(y_unknown, s, drop_intermediate=False)
    return float(fpr[np.argmax(tpr >= tpr_target)])


def voi_nats(a, b):
    # H(A) + H(B) - 2 I(A; B) with natural logs (scipy entropy, sklearn mutual information).
    _, ca = np.unique(a, return_counts=True)
    _, cb = np.unique(b, return_counts=True)
    return float(entropy(ca) + entropy(cb) - 2 * mutual_info_score(a.ravel(), b.ravel()))


def voi_bits_skimage(a, b):
    # skimage 0.19's variation_of_information returns (H(b|a), H(a|b)) computed with log2, i.e. bits.
    return float(sum(variation_of_information(a, b)))


def open_set_cases():
    cases = []
    specs = [
        ('separated-gaussians', 60, 40, 1.5, None),
        ('overlapping-gaussians', 50, 50, 0.3, None),
        ('heavy-ties', 40, 30, 0.8, 1),       # rounded to 1 decimal: many tied scores
        ('integer-ties', 25, 35, 0.5, 0),     # rounded to integers: very few distinct scores
        ('unbalanced', 200, 7, 1.0, 2),
    ]
    for name, n_known, n_unknown, shift, decimals in specs:
        s = np.concatenate([rng.normal(0, 1, n_known), rng.normal(shift, 1, n_unknown)])
        if decimals is not None:
            s = np.round(s, decimals)
        y = np.concatenate([np.zeros(n_known, int), np.ones(n_unknown, int)])
        perm = rng.permutation(len(s))
        s, y = s[perm], y[perm]
        fpr, tpr, thr = roc_curve(y, s)  # drop_intermediate=True, sklearn's default
        cases.append({
            'name': name,
            'scores': [float(v) for v in s],
            'isUnknown': [int(v) for v in y],
            'auroc': float(roc_auc_score(y, s)),
            'auprOut': float(average_precision_score(y, s)),
            'auprIn': float(average_precision_score(1 - y, -s)),
            'fpr95': fpr_at_tpr(y, s, 0.95),
            'fpr80': fpr_at_tpr(y, s, 0.80),
            'roc': {'fpr': fpr.tolist(), 'tpr': tpr.tolist(), 'thresholds': thr[1:].tolist()},
        })
    dump('open-set.json', {'versions': versions(), 'cases': cases})


def calibration_cases():
    cases = []
    for n in (7, 20, 101, 250):
        s = np.round(rng.normal(0, 1, n), 3)
        for q in (0.95, 0.9, 0.5):
            cases.append({
                'scores': s.tolist(), 'tpr': q,
                'invertedCdf': float(np.quantile(s, q, method='inverted_cdf')),
                'linear': float(np.quantile(s, q, method='linear')),
            })
    dump('calibration.json', {'versions': versions(), 'cases': cases})


def classification_cases():
    cases = []
    for n, c in ((30, 3), (200, 5)):
        t = rng.integers(0, c, n)
        p = np.where(rng.random(n) < 0.6, t, rng.integers(0, c, n))
        cases.append({'target': t.tolist(), 'prediction': p.tolist(), 'numClasses': c,
                      'accuracy': float(accuracy_score(t, p)),
                      'matrix': confusion_matrix(t, p, labels=list(range(c))).tolist()})
    dump('classification.json', {'versions': versions(), 'cases': cases})


def blocky_labels(h, w, k, block):
    small = rng.integers(0, k, ((h + block - 1) // block, (w + block - 1) // block))
    big = np.kron(small, np.ones((block, block), int))[:h, :w]
    noise = rng.random((h, w)) < 0.08
    return np.where(noise, rng.integers(0, k, (h, w)), big)


def segmentation_cases():
    pairs = []
    for i, (h, w, ka, kb) in enumerate(((9, 12, 3, 4), (16, 16, 6, 2), (20, 13, 10, 5), (7, 5, 1, 3))):
        a = blocky_labels(h, w, ka, 3)
        b = blocky_labels(h, w, kb, 4) + 7  # arbitrary, non-contiguous label values
        pairs.append({'width': w, 'height': h, 'a': a.ravel().tolist(), 'b': b.ravel().tolist(),
                      'randIndex': float(rand_score(a.ravel(), b.ravel())),
                      'voiNats': voi_nats(a, b), 'voiBitsSkimage': voi_bits_skimage(a, b)})
    components = []
    for h, w, k in ((10, 14, 3), (17, 11, 2), (6, 6, 4)):
        a = blocky_labels(h, w, k, 2)
        # background=-1 (absent) so every pixel, label 0 included, is labelled.
        components.append({'width': w, 'height': h, 'labels': a.ravel().tolist(),
                           'four': (sk_label(a, background=-1, connectivity=1) - 1).ravel().tolist(),
                           'eight': (sk_label(a, background=-1, connectivity=2) - 1).ravel().tolist()})
    dump('segmentation.json', {'versions': versions(), 'pairs': pairs, 'components': components})


def read_gt(k):
    return np.asarray(Image.open(os.path.join(DATA, 'bsds500', 'val', 'ground-truth', f'{BSDS_ID}_{k}.png')))


def bsds_cases():
    """Metric values between the annotators of one BSDS500 image (no pixels stored)."""
    gts = []
    k = 0
    while os.path.exists(os.path.join(DATA, 'bsds500', 'val', 'ground-truth', f'{BSDS_ID}_{k}.png')):
        gts.append(read_gt(k))
        k += 1
    if not gts:
        print('BSDS500 not found: skipping bsds-annotators.json and felzenszwalb-bsds.json')
        return None
    pairs = []
    for i in range(len(gts)):
        for j in range(len(gts)):
            if i == j:
                continue
            pairs.append({'a': i, 'b': j, 'randIndex': float(rand_score(gts[i].ravel(), gts[j].ravel())),
                          'voiNats': voi_nats(gts[i], gts[j]),
                          'voiBitsSkimage': voi_bits_skimage(gts[i], gts[j])})
    dump('bsds-annotators.json', {'versions': versions(), 'image': BSDS_ID, 'annotators': len(gts),
                                  'pairs': pairs})
    return True


def synthetic_image(h, w, seed):
    r = np.random.default_rng(seed)
    # Four flat colour regions plus noise: distinct edge costs, so sort order has no ties.
    img = np.zeros((h, w, 3), float)
    img[: h // 2, : w // 2] = (200, 40, 40)
    img[: h // 2, w // 2:] = (40, 180, 60)
    img[h // 2:, : w // 3] = (30, 30, 200)
    img[h // 2:, w // 3:] = (230, 220, 90)
    img += r.normal(0, 18, img.shape)
    return np.clip(np.round(img), 0, 255).astype(np.uint8)


def felzenszwalb_cases():
    cases = []
    for (h, w, seed, params) in (
        (24, 32, 1, {'scale': 1, 'sigma': 0.8, 'minSize': 20}),
        (24, 32, 1, {'scale': 200, 'sigma': 0.8, 'minSize': 20}),
        (30, 21, 2, {'scale': 50, 'sigma': 0.5, 'minSize': 5}),
        (16, 16, 3, {'scale': 500, 'sigma': 1.3, 'minSize': 30}),
        (5, 3, 4, {'scale': 10, 'sigma': 0.8, 'minSize': 2}),  # smaller than the kernel radius
    ):
        img = synthetic_image(h, w, seed)
        seg = felzenszwalb(img, scale=params['scale'], sigma=params['sigma'], min_size=params['minSize'])
        smooth = gaussian(img_as_float64(img), sigma=[params['sigma'], params['sigma'], 0],
                          mode='reflect', channel_axis=-1)
        case = {'width': w, 'height': h, 'params': params, 'rgb': img.ravel().tolist(),
                'labels': seg.ravel().tolist(), 'segments': int(seg.max() + 1)}
        if h * w <= 256:  # keep the file small: smoothed values only for the small cases
            case['smoothed'] = smooth.ravel().tolist()
        cases.append(case)
    dump('felzenszwalb-synthetic.json', {'versions': versions(), 'cases': cases})


def best_match_miou(pred, gts):
    """Kim et al. (TIP 2020) evaluation, re-implemented independently: split the prediction into
    4-connected components, take each GT segment's best IoU with any predicted segment, pool the
    values of all annotators (mean), and report each annotator's mean too."""
    pred = sk_label(pred, background=-1, connectivity=1)
    pred_sizes = np.bincount(pred.ravel())
    pooled, per_annotator = [], []
    for gt in gts:
        best = []
        for g in np.unique(gt):
            inside = pred[gt == g]
            ids, inter = np.unique(inside, return_counts=True)
            union = inside.size + pred_sizes[ids] - inter
            best.append(float(np.max(inter / union)))
        pooled += best
        per_annotator.append(float(np.mean(best)))
    return {'miou': float(np.mean(pooled)), 'perAnnotator': per_annotator,
            'bestAnnotator': max(per_annotator), 'segmentCount': len(pooled)}


def felzenszwalb_bsds():
    path = os.path.join(DATA, 'bsds500', 'val', 'images', f'{BSDS_ID}.jpg')
    rgb = np.asarray(Image.open(path).convert('RGB'))
    seg = felzenszwalb(rgb)  # scale 1, sigma 0.8, min_size 20
    gts = []
    while os.path.exists(os.path.join(DATA, 'bsds500', 'val', 'ground-truth', f'{BSDS_ID}_{len(gts)}.png')):
        gts.append(read_gt(len(gts)))
    packed = base64.b64encode(gzip.compress(seg.astype('<u2').tobytes(), 9, mtime=0)).decode()
    dump('felzenszwalb-bsds.json', {
        'versions': versions(), 'image': BSDS_ID, 'width': rgb.shape[1], 'height': rgb.shape[0],
        'rgbSha256': hashlib.sha256(rgb.tobytes()).hexdigest(), 'segments': int(seg.max() + 1),
        'labelsU16GzipBase64': packed,
        'miouAgainstAnnotators': best_match_miou(seg, gts),
    })


if __name__ == '__main__':
    open_set_cases()
    calibration_cases()
    classification_cases()
    segmentation_cases()
    felzenszwalb_cases()
    if bsds_cases():
        felzenszwalb_bsds()
