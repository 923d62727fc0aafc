"""PyTorch reference for differentiable feature clustering (Kim, Kanezaki & Tanaka 2020): a tiny
image, seeded initial weights, and the losses / label counts of the first iterations, with and
without scribbles. Run with Debian's /usr/bin/python3 from the repository root:
    /usr/bin/python3 scripts/torchref/unsup_seg_fixture.py
Writes tests/fixtures/unsupervised-seg/feature-clustering.safetensors."""
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(__file__))
import st  # noqa: E402

OUT = os.path.join('tests', 'fixtures', 'unsupervised-seg', 'feature-clustering.safetensors')
H, W, Q, ITERS = 12, 16, 16, 6


def make_net(q):
    # same layer order (and so the same state-dict names under "body.") as kensa's UnsupSegNet
    return nn.Sequential(nn.Conv2d(3, q, 3, padding=1), nn.ReLU(), nn.BatchNorm2d(q),
                         nn.Conv2d(q, q, 3, padding=1), nn.ReLU(), nn.BatchNorm2d(q),
                         nn.Conv2d(q, q, 1), nn.BatchNorm2d(q))


def run(net, x, scribble=None, mu_con=1.0):
    opt = torch.optim.SGD(net.parameters(), lr=0.1, momentum=0.9)
    losses, counts = [], []
    for _ in range(ITERS):
        opt.zero_grad()
        r = net(x)  # [1, q, H, W]
        labels = r.argmax(1)
        con = (r[:, :, 1:] - r[:, :, :-1]).abs().mean() + (r[:, :, :, 1:] - r[:, :, :, :-1]).abs().mean()
        if scribble is None:
            sim = F.cross_entropy(r, labels)
        else:
            flat = r[0].reshape(Q, -1).t()  # [HW, q]
            m = scribble.reshape(-1)
            free = m == 255
            sim = F.cross_entropy(flat[free], labels.reshape(-1)[free]) + 0.5 * F.cross_entropy(flat[~free], m[~free].long())
        loss = sim + mu_con * con
        loss.backward()
        opt.step()
        losses.append(loss.item())
        counts.append(len(torch.unique(labels)))
    with torch.no_grad():
        final = net(x).argmax(1)[0]
    return torch.tensor(losses, dtype=torch.float64), torch.tensor(counts, dtype=torch.int64), final


def main():
    torch.manual_seed(7)
    # a smooth two-tone picture with noise, values in [0, 1]
    yy, xx = torch.meshgrid(torch.arange(H), torch.arange(W), indexing='ij')
    base = torch.stack([(xx > W // 2).float(), (yy > H // 2).float(), 0.5 * torch.ones(H, W)])
    x = (0.7 * base + 0.3 * torch.rand(3, H, W)).clamp(0, 1).unsqueeze(0).contiguous()
    net = make_net(Q)
    init = {'body.' + k: v.clone() for k, v in net.state_dict().items()}
    losses, counts, final = run(net, x)
    net2 = make_net(Q)
    net2.load_state_dict({k[5:]: v for k, v in init.items()})
    scribble = torch.full((H, W), 255, dtype=torch.uint8)
    scribble[1:3, 1:6] = 0
    scribble[8:11, 10:15] = 2
    scribble[9, 1:4] = 5
    s_losses, s_counts, s_final = run(net2, x, scribble)
    out = dict(init)
    out.update({'input': x, 'losses': losses, 'counts': counts, 'final': final,
                'scribble': scribble, 'scribble_losses': s_losses, 'scribble_counts': s_counts, 'scribble_final': s_final})
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    st.save(OUT, out, {'torch': torch.__version__, 'iterations': str(ITERS), 'channels': str(Q)})
    print(OUT, losses.tolist(), counts.tolist(), s_losses.tolist())


if __name__ == '__main__':
    main()
