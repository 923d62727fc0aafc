#!/usr/bin/python3
"""Reference segmentation-ability (SA) scores for src/methods/seg-ability (run with Debian's
/usr/bin/python3 and python3-torch).

A small U-Net laid out as kensa's UNet (down<i> double-conv blocks with batch norm, max pooling,
up<i> 2x2 transposed convolutions, dec<i> blocks after skip concatenation, a 1x1 head), seeded
weights with non-trivial batch-norm running statistics, in eval mode; one 38x34 image (reflection
padded to 40x36 for the network, as kensa does) and its two-disc truth mask. For every block:
bilinear upsampling (align_corners=False) to the padded grid, crop to the image, prototypes
c_t = sum(f*B)/sum(B) and c_b = sum(f*(1-B))/sum(1-B), object where the squared distance to c_t is
strictly smaller, Dice against the target; per layer (all channels) and per unit (one channel), with
the truth as guide (target = truth) and with the output probability as guide (target = output > 0.5).

usage: /usr/bin/python3 scripts/gen-seg-ability-fixtures.py tests/fixtures/seg-ability
"""
import json
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(__file__), 'torchref'))
import st  # noqa: E402

torch.set_num_threads(1)
WIDTHS = [4, 8, 16]
H, W = 38, 34


def double_conv(cin, cout):
    return nn.Sequential(nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(),
                         nn.Conv2d(cout, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU())


class UNet(nn.Module):
    def __init__(self):
        super().__init__()
        c = 1
        for i, w in enumerate(WIDTHS):
            setattr(self, f'down{i}', double_conv(c, w))
            c = w
        for i in range(len(WIDTHS) - 2, -1, -1):
            w = WIDTHS[i]
            setattr(self, f'up{i}', nn.ConvTranspose2d(c, w, 2, stride=2))
            setattr(self, f'dec{i}', double_conv(2 * w, w))
            c = w
        self.head = nn.Conv2d(c, 1, 1)

    def forward(self, x):
        acts = {}
        skips = []
        h = x
        for i in range(len(WIDTHS)):
            if i > 0:
                h = F.max_pool2d(h, 2)
            h = getattr(self, f'down{i}')(h)
            acts[f'down{i}'] = h
            skips.append(h)
        for i in range(len(WIDTHS) - 2, -1, -1):
            h = getattr(self, f'dec{i}')(torch.cat([skips[i], getattr(self, f'up{i}')(h)], 1))
            acts[f'dec{i}'] = h
        out = self.head(h)
        acts['head'] = out
        return out, acts


def make_net(g):
    net = UNet()
    with torch.no_grad():
        for m in net.modules():
            if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d)):
                fan_in = m.weight[0].numel()
                m.weight.copy_(torch.randn(m.weight.shape, generator=g) * (2.0 / fan_in) ** 0.5)
                if m.bias is not None:
                    m.bias.copy_(torch.randn(m.bias.shape, generator=g) * 0.1)
            if isinstance(m, nn.BatchNorm2d):
                m.weight.copy_(torch.rand(m.weight.shape, generator=g) + 0.5)
                m.bias.copy_(torch.randn(m.bias.shape, generator=g) * 0.2)
                m.running_mean.copy_(torch.randn(m.running_mean.shape, generator=g) * 0.1)
                m.running_var.copy_(torch.rand(m.running_var.shape, generator=g) + 0.5)
                m.num_batches_tracked.fill_(11)
    return net.eval()


def dice(pred, target):
    p, t = pred.sum().item(), target.sum().item()
    if p + t == 0:
        return 1.0
    return 2.0 * (pred * target).sum().item() / (p + t)


def scores(f, guide, target):
    # f: [C, P]; guide, target: [P]
    obj = torch.sum(f * guide, dim=1, keepdim=True) / torch.sum(guide)
    bg = torch.sum(f * (1 - guide), dim=1, keepdim=True) / torch.sum(1 - guide)
    dt = (f - obj) ** 2
    db = (f - bg) ** 2
    layer_map = (dt.sum(0) < db.sum(0)).float()
    units = (dt < db).float()
    return layer_map, dice(layer_map, target), [dice(u, target) for u in units]


def main(out_dir):
    os.makedirs(out_dir, exist_ok=True)
    g = torch.Generator().manual_seed(20240911)
    yy, xx = torch.meshgrid(torch.arange(H, dtype=torch.float32), torch.arange(W, dtype=torch.float32), indexing='ij')
    truth = (((yy - 12) ** 2 + (xx - 10) ** 2 < 49) | ((yy - 26) ** 2 + (xx - 23) ** 2 < 36)).float()
    image = (0.8 * truth + 0.3 * torch.randn((H, W), generator=g) + 0.1 * torch.sin(xx / 3)).reshape(1, 1, H, W)
    net = make_net(g)
    x = F.pad(image, (0, 2, 0, 2), mode='reflect')  # 40x36: multiples of 4
    with torch.no_grad():
        out, _ = net(x)
        net.head.bias.sub_(out[..., :H, :W].median())  # about half the pixels above 0.5
        out, acts = net(x)
    prob = torch.sigmoid(out[0, 0, :H, :W]).reshape(-1)
    out_mask = (prob > 0.5).float()
    t = truth.reshape(-1)
    layers = []
    maps = {}
    for name, a in acts.items():
        if a.shape[2:] != x.shape[2:]:
            a = F.interpolate(a, size=x.shape[2:], mode='bilinear', align_corners=False)
        f = a[0, :, :H, :W].reshape(a.shape[1], -1)
        tm, tsa, tunits = scores(f, t, t)
        om, osa, ounits = scores(f, prob, out_mask)
        maps[f'{name}.truth'] = tm.reshape(H, W)
        maps[f'{name}.output'] = om.reshape(H, W)
        layers.append({'name': name, 'channels': a.shape[1], 'truth': {'layerSA': tsa, 'unitSA': tunits}, 'output': {'layerSA': osa, 'unitSA': ounits}})
    st.save(os.path.join(out_dir, 'unet.safetensors'), net.state_dict())
    st.save(os.path.join(out_dir, 'inputs.safetensors'), {'image': image[0], 'truth': truth, 'prob': prob.reshape(H, W)})
    st.save(os.path.join(out_dir, 'maps.safetensors'), maps)
    with open(os.path.join(out_dir, 'expected.json'), 'w') as fh:
        json.dump({'widths': WIDTHS, 'height': H, 'width': W, 'outputDice': dice(out_mask, t), 'layers': layers}, fh, indent=1)
        fh.write('\n')
    print(f'wrote {out_dir}: {len(layers)} layers, output Dice {dice(out_mask, t):.4f}, '
          f'foreground {out_mask.mean().item():.3f} (output) {t.mean().item():.3f} (truth)')


if __name__ == '__main__':
    main(sys.argv[1] if len(sys.argv) > 1 else 'tests/fixtures/seg-ability')
