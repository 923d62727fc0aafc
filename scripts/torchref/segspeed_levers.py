"""Speed levers for one feature-clustering iteration (issue 13, item 1), in Debian's PyTorch 1.13.

The M3 step of bench/torch_bench.py (conv 3->q 3x3, ReLU, BN, conv q->q 3x3, ReLU, BN, conv 1x1,
BN; q = 100) on a 481x321 image. Each lever is timed ALTERNATING with the fp32 baseline in this
one process (baseline, lever, baseline, lever, ...), so a ratio compares neighbours under the same
machine load. Then, for the levers that can train, a few iterations from the same seed on a real
BSDS500 image, and the share of pixels whose final label differs from the fp32 run.

Usage: nice -n 10 /usr/bin/python3 scripts/torchref/segspeed_levers.py THREADS REPEATS ITERS [IMAGE]
Prints one JSON object per line (lever rows, then label rows). THREADS 0: instead, training steps
at 1 and at 2 intra-op threads alternating (the thread-count lever).
"""
import json
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

THREADS, REPEATS, ITERS = (int(a) for a in sys.argv[1:4])
IMAGE = sys.argv[4] if len(sys.argv) > 4 else '/work/shared/data/bsds500/val/images/101085.jpg'
torch.set_num_threads(max(THREADS, 1))
Q = 100


def net_of(seed=0):
    torch.manual_seed(seed)
    return nn.Sequential(nn.Conv2d(3, Q, 3, padding=1), nn.ReLU(), nn.BatchNorm2d(Q),
                         nn.Conv2d(Q, Q, 3, padding=1), nn.ReLU(), nn.BatchNorm2d(Q),
                         nn.Conv2d(Q, Q, 1), nn.BatchNorm2d(Q))


def image():
    from PIL import Image
    im = Image.open(IMAGE).convert('RGB')
    if im.width < im.height:
        im = im.transpose(Image.Transpose.ROTATE_90)
    t = torch.tensor(list(im.getdata()), dtype=torch.float32).view(im.height, im.width, 3)
    return (t / 255).permute(2, 0, 1).unsqueeze(0).contiguous()  # [1, 3, 321, 481]


def loss_of(r):
    r = r[0].float()                            # [q, H, W]
    target = r.argmax(0)
    ce = F.cross_entropy(r.unsqueeze(0), target.unsqueeze(0))
    dy = (r[:, 1:, :] - r[:, :-1, :]).abs().mean()
    dx = (r[:, :, 1:] - r[:, :, :-1]).abs().mean()
    return ce + dy + dx, target


def diff_by_conv(r):
    """The continuity differences as fixed depthwise 2-tap convolutions ([-1, 1] down and across):
    the same values as the two slices' difference, computed by one conv each."""
    q = r.shape[1]
    ky = torch.tensor([-1.0, 1.0]).view(1, 1, 2, 1).repeat(q, 1, 1, 1)
    kx = torch.tensor([-1.0, 1.0]).view(1, 1, 1, 2).repeat(q, 1, 1, 1)
    return F.conv2d(r, ky, groups=q), F.conv2d(r, kx, groups=q)


def loss_by_conv(r):
    r = r[0].float().unsqueeze(0)
    target = r[0].argmax(0)
    ce = F.cross_entropy(r, target.unsqueeze(0))
    dy, dx = diff_by_conv(r)
    return ce + dy.abs().mean() + dx.abs().mean(), target


def trainer(kind, x0):
    """A (step, labels) pair for one lever: step() runs one SGD iteration, labels() the final argmax."""
    net = net_of()
    x = x0
    if kind == 'channels_last':
        net = net.to(memory_format=torch.channels_last)
        x = x0.contiguous(memory_format=torch.channels_last)
    opt = torch.optim.SGD(net.parameters(), lr=0.1, momentum=0.9)
    net.train()

    def forward():
        if kind == 'bf16_autocast':
            with torch.autocast('cpu', dtype=torch.bfloat16):
                return net(x)
        return net(x)

    def step():
        opt.zero_grad()
        loss, _ = (loss_by_conv if kind == 'continuity_conv' else loss_of)(forward())
        loss.backward()
        opt.step()

    def labels():
        with torch.no_grad():
            return forward()[0].float().argmax(0)
    return step, labels


def forward_only(kind, x0):
    """Inference-only levers (BN in eval mode, as these paths require): one forward pass."""
    net = net_of().eval()
    x = x0
    if kind == 'fwd_mkldnn':
        from torch.utils import mkldnn as mkldnn_utils
        net = mkldnn_utils.to_mkldnn(net)
        x = x0.to_mkldnn()
    elif kind == 'fwd_jit_frozen':
        net = torch.jit.optimize_for_inference(torch.jit.freeze(torch.jit.script(net)))
    elif kind == 'fwd_channels_last':
        net = net.to(memory_format=torch.channels_last)
        x = x0.contiguous(memory_format=torch.channels_last)

    def step():
        with torch.no_grad():
            y = net(x)
            if y.is_mkldnn:
                y = y.to_dense()
    return step


def timed(fn):
    t0 = time.perf_counter()
    fn()
    return (time.perf_counter() - t0) * 1000


# GFLOP of one training iteration at 321x481: forward 2*HW*(27q + 9q^2 + q^2); backward twice
# that for conv 2 and 3 (input and weight gradients), once for conv 1 (weight gradient only).
HW = 321 * 481
FWD = 2 * HW * (27 * Q + 9 * Q * Q + Q * Q) / 1e9
TRAIN = FWD + 2 * 2 * HW * (9 * Q * Q + Q * Q) / 1e9 + 2 * HW * 27 * Q / 1e9

x0 = image()
base_step, _ = trainer('fp32', x0)
if THREADS == 0:
    one, two = [], []
    base_step()
    for _ in range(REPEATS):
        torch.set_num_threads(1)
        one.append(timed(base_step))
        torch.set_num_threads(2)
        two.append(timed(base_step))
    ratios = [b / a for a, b in zip(one, two)]
    print(json.dumps({'lever': '2 threads vs 1', 'ms_1_thread': statistics.median(one), 'ms_2_threads': statistics.median(two),
                      'ratio_median': statistics.median(ratios), 'ratio_min': min(ratios), 'ratio_max': max(ratios)}), flush=True)
    sys.exit(0)
base_fwd = forward_only('fwd_fp32', x0)
rows = []
for kind in ['channels_last', 'bf16_autocast', 'continuity_conv', 'fwd_mkldnn', 'fwd_jit_frozen', 'fwd_channels_last']:
    fwd = kind.startswith('fwd_')
    base = base_fwd if fwd else base_step
    lever = forward_only(kind, x0) if fwd else trainer(kind, x0)[0]
    base(); lever()  # warm-up (oneDNN primitive creation, JIT profiling)
    if kind == 'fwd_jit_frozen':
        lever()
    b, l = [], []
    for _ in range(REPEATS):
        b.append(timed(base))
        l.append(timed(lever))
    ratios = [li / bi for li, bi in zip(l, b)]
    gflop = FWD if fwd else TRAIN
    row = {'lever': kind, 'threads': THREADS, 'baseline_ms': statistics.median(b), 'lever_ms': statistics.median(l),
           'ratio_median': statistics.median(ratios), 'ratio_min': min(ratios), 'ratio_max': max(ratios),
           'baseline_gflops': gflop / statistics.median(b) * 1000, 'lever_gflops': gflop / statistics.median(l) * 1000}
    rows.append(row)
    print(json.dumps(row), flush=True)

if ITERS > 0:
    ref_step, ref_labels = trainer('fp32', x0)
    for _ in range(ITERS):
        ref_step()
    ref = ref_labels()
    for kind in ['fp32_again', 'channels_last', 'bf16_autocast', 'continuity_conv']:
        step, labels = trainer('fp32' if kind == 'fp32_again' else kind, x0)
        for _ in range(ITERS):
            step()
        lab = labels()
        print(json.dumps({'labels': kind, 'iterations': ITERS, 'threads': THREADS,
                          'pixels_differing': float((lab != ref).float().mean()),
                          'distinct_fp32': int(ref.unique().numel()), 'distinct_lever': int(lab.unique().numel())}), flush=True)

