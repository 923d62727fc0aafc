#!/usr/bin/python3
"""Reference class activation maps for src/methods/cam (run with Debian's /usr/bin/python3 and
python3-torch; pytorch-grad-cam is not needed: every method is written out below from its paper).

A small CNN (conv-bn-relu x2, max pool, flatten, linear) with seeded weights and non-trivial
batch-norm running statistics, two 8x8 RGB images, and for every method the maps for several
layers and targets. The same pipeline as kensa: per layer ReLU, bilinear upsampling
(align_corners=False) to the input size, min-max scaling (a constant map becomes 0, no epsilon),
mean over layers and scaling again.

usage: /usr/bin/python3 scripts/gen-cam-fixtures.py tests/fixtures/cam
"""
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(__file__), 'torchref'))
import st  # noqa: E402

torch.set_num_threads(1)


def make_net():
    g = torch.Generator().manual_seed(20240907)
    net = nn.Sequential(
        nn.Conv2d(3, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(),
        nn.Conv2d(4, 6, 3, padding=1), nn.BatchNorm2d(6), nn.ReLU(),
        nn.MaxPool2d(2), nn.Flatten(), nn.Linear(6 * 4 * 4, 3),
    )
    with torch.no_grad():
        for m in net:
            if isinstance(m, (nn.Conv2d, nn.Linear)):
                m.weight.copy_(torch.randn(m.weight.shape, generator=g) * 0.5)
                m.bias.copy_(torch.randn(m.bias.shape, generator=g) * 0.1)
            if isinstance(m, nn.BatchNorm2d):
                m.weight.copy_(torch.rand(m.weight.shape, generator=g) + 0.5)
                m.bias.copy_(torch.randn(m.bias.shape, generator=g) * 0.2)
                m.running_mean.copy_(torch.randn(m.running_mean.shape, generator=g) * 0.1)
                m.running_var.copy_(torch.rand(m.running_var.shape, generator=g) + 0.5)
                m.num_batches_tracked.fill_(7)
    return net.eval(), g


def minmax(m):
    # per leading slice (image, or channel of one image) to [0, 1]
    n = m.shape[0]
    flat = m.reshape(n, -1)
    lo = flat.min(1).values.view(n, 1, 1)
    rng = flat.max(1).values.view(n, 1, 1) - lo
    return (m - lo) / torch.where(rng > 0, rng, torch.ones_like(rng))


# ---- the methods: each returns the layer map [N,h,w] before ReLU ------------------------------

def weighted(acts, w):
    return (w[:, :, None, None] * acts).sum(1)


def grad_cam(acts, grads, **_):
    # Selvaraju et al. 2017 Eq. 1: alpha_k = mean_ij dY/dA_k
    return weighted(acts, grads.mean((2, 3)))


def grad_cam_pp(acts, grads, **_):
    # Chattopadhay et al. 2018 Eq. 19 with exp scores: a = g^2 / (2 g^2 + sum(A) g^3); w = sum relu(g) a
    g2 = grads ** 2
    g3 = g2 * grads
    s = acts.sum((2, 3), keepdim=True)
    den = 2 * g2 + s * g3
    ok = (den != 0) & (grads != 0)
    a = torch.where(ok, g2 / torch.where(ok, den, torch.ones_like(den)), torch.zeros_like(den))
    return weighted(acts, (F.relu(grads) * a).sum((2, 3)))


def xgrad_cam(acts, grads, **_):
    # Fu et al. 2020 Eq. 9: w = sum(A g) / sum(A)
    return weighted(acts, (grads * acts).sum((2, 3)) / (acts.sum((2, 3)) + 1e-7))


def hires_cam(acts, grads, **_):
    # Draelos & Carin 2020: sum_k g_k * A_k, element-wise
    return (grads * acts).sum(1)


def layer_cam(acts, grads, **_):
    # Jiang et al. 2021: sum_k relu(g_k) * A_k
    return (F.relu(grads) * acts).sum(1)


def score_cam(acts, net, x, target, **_):
    # Wang et al. 2020: mask the input with each upsampled, min-max scaled channel; softmax over
    # channels of the target score of the masked inputs is the weight
    n, k = acts.shape[:2]
    up = F.interpolate(acts, size=x.shape[-2:], mode='bilinear', align_corners=False)
    ws = []
    with torch.no_grad():
        for i in range(n):
            masked = x[i:i + 1] * minmax(up[i])[:, None]
            scores = target(net(masked), [i] * k)
            ws.append(torch.softmax(scores, 0))
    return weighted(acts, torch.stack(ws))


def eigen_cam(acts, **_):
    # Muhammad & Yeasin 2020: projection on the first principal component of the centred
    # [hw, K] activations; sign chosen so the component's entries sum to >= 0
    n, k, h, w = acts.shape
    out = []
    for i in range(n):
        xm = acts[i].reshape(k, h * w).t().double()
        xm = xm - xm.mean(0, keepdim=True)
        _, _, vh = torch.linalg.svd(xm, full_matrices=False)
        v = vh[0]
        if v.sum() < 0:
            v = -v
        out.append((xm @ v).reshape(h, w).float())
    return torch.stack(out)


METHODS = {
    'gradcam': (grad_cam, True), 'gradcam++': (grad_cam_pp, True), 'xgradcam': (xgrad_cam, True),
    'hirescam': (hires_cam, True), 'layercam': (layer_cam, True), 'scorecam': (score_cam, False),
    'eigencam': (eigen_cam, False),
}


def class_target(classes):
    def t(out, rows):
        return out[torch.arange(out.shape[0]), torch.tensor([classes[r] for r in rows])]
    return t


def cam(net, x, layers, method, classes):
    fn, uses_grads = METHODS[method]
    acts = {}
    hooks = [net[int(l)].register_forward_hook(lambda m, i, o, l=l: acts.__setitem__(l, o)) for l in layers]
    out = net(x)
    for h in hooks:
        h.remove()
    target = class_target(classes)
    grads = {}
    if uses_grads:
        gs = torch.autograd.grad(target(out, list(range(x.shape[0]))).sum(), [acts[l] for l in layers])
        grads = dict(zip(layers, gs))
    per = []
    for l in layers:
        m = fn(acts=acts[l].detach(), grads=grads.get(l), net=net, x=x, target=target)
        m = F.interpolate(F.relu(m)[:, None], size=x.shape[-2:], mode='bilinear', align_corners=False)[:, 0]
        per.append(minmax(m.detach()))
    return per[0] if len(per) == 1 else minmax(torch.stack(per).mean(0))


def main():
    out_dir = sys.argv[1] if len(sys.argv) > 1 else 'tests/fixtures/cam'
    os.makedirs(out_dir, exist_ok=True)
    net, g = make_net()
    x = torch.randn(2, 3, 8, 8, generator=g)
    st.save(os.path.join(out_dir, 'cnn.safetensors'), net.state_dict(), {'producer': 'scripts/gen-cam-fixtures.py'})
    with torch.no_grad():
        logits = net(x)
    pred = logits.argmax(1).tolist()
    tensors = {'input': x, 'logits': logits}
    targets = {'pred': pred, 'class0': [0, 0], 'mixed': [2, 0]}
    for method in METHODS:
        for layers in (['5'], ['6'], ['2', '6']):
            for tname, classes in targets.items():
                tensors[f'{method}/{"+".join(layers)}/{tname}'] = cam(net, x, layers, method, classes)
    st.save(os.path.join(out_dir, 'maps.safetensors'), tensors, {'pred': ','.join(map(str, pred)), 'torch': torch.__version__})
    print(f'wrote {len(tensors)} tensors to {out_dir}; predicted classes {pred}')


if __name__ == '__main__':
    main()
