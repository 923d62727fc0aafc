#!/usr/bin/python3
"""PyTorch twin of kensa's metric-learning tile network (bench cases M4/M5 import Net from here;
run alone it times the network by itself): the same MetricNet
(mini-VGG backbone with batch norm, linear projection + BN1d, ArcFace m=0.5 s=64) on 1×T×T tiles.

usage: /usr/bin/python3 scripts/torchref/metric_bench.py --width W --tile T --embedding D --classes C
       --batch B --steps N --warmup K --threads P
prints {"trainTilesPerS", "embedTilesPerS"} (median over steps)."""
import argparse
import json
import math
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class Net(nn.Module):
    def __init__(self, w, tile, d, c):
        super().__init__()
        layers, ch = [], 1
        for width in (w, 2 * w, 4 * w):
            for _ in range(2):
                layers += [nn.Conv2d(ch, width, 3, padding=1), nn.BatchNorm2d(width), nn.ReLU()]
                ch = width
            layers.append(nn.MaxPool2d(2))
        self.features = nn.Sequential(*layers, nn.Flatten())
        self.project = nn.Linear(ch * (tile // 8) ** 2, d)
        self.bn = nn.BatchNorm1d(d)
        self.weight = nn.Parameter(torch.empty(c, d))
        nn.init.xavier_uniform_(self.weight)

    def embed(self, x):
        return self.bn(self.project(self.features(x)))

    def loss(self, x, y, m=0.5, s=64.0):
        cos = F.normalize(self.embed(x)) @ F.normalize(self.weight).t()
        t = cos.gather(1, y[:, None])
        sin = (1 - t * t).clamp_min(1e-12).sqrt()
        new = torch.where(t > math.cos(math.pi - m), t * math.cos(m) - sin * math.sin(m), t - m * math.sin(m))
        return F.cross_entropy(s * cos.scatter(1, y[:, None], new), y)


def main():
    p = argparse.ArgumentParser()
    for k, v in [('width', 16), ('tile', 32), ('embedding', 64), ('classes', 4), ('batch', 64), ('steps', 10), ('warmup', 3), ('threads', 2)]:
        p.add_argument(f'--{k}', type=int, default=v)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    net = Net(a.width, a.tile, a.embedding, a.classes)
    opt = torch.optim.Adam(net.parameters(), lr=1e-3, weight_decay=5e-4)
    x = torch.randn(a.batch, 1, a.tile, a.tile)
    y = torch.randint(0, a.classes, (a.batch,))
    train, embed = [], []
    for i in range(a.warmup + a.steps):
        t0 = time.perf_counter()
        opt.zero_grad()
        net.loss(x, y).backward()
        opt.step()
        t1 = time.perf_counter()
        net.eval()
        with torch.no_grad():
            net.embed(x)
        net.train()
        t2 = time.perf_counter()
        if i >= a.warmup:
            train.append(t1 - t0)
            embed.append(t2 - t1)
    print(json.dumps({'trainTilesPerS': a.batch / statistics.median(train), 'embedTilesPerS': a.batch / statistics.median(embed)}))


if __name__ == '__main__':
    main()
