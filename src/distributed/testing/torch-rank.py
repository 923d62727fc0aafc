# One PyTorch rank in a group with kensa ranks (process-group.test.ts): torch.distributed with
# Gloo, rendezvous from torchrun's variables (env://). Mirrors collectives-worker.ts's 'torch' mode.
import json
import os
from datetime import timedelta

import torch
import torch.distributed as dist

torch.set_num_threads(1)
dist.init_process_group('gloo', init_method='env://', timeout=timedelta(seconds=float(os.environ.get('KENSA_DIST_TIMEOUT', '60'))))
r = dist.get_rank()
a = torch.tensor([10.0, 20.0, 30.0])
dist.all_reduce(a)
b = torch.tensor([4.0, 5.0]) if r == int(os.environ.get('TORCH_RANK', '1')) else torch.zeros(2)
dist.broadcast(b, int(os.environ.get('TORCH_RANK', '1')))
g = [torch.zeros(2) for _ in range(dist.get_world_size())]
dist.all_gather(g, torch.tensor([float(r), float(r)]))
print(json.dumps({'rank': r, 'sum': a.tolist(), 'broadcast': b.tolist(), 'gather': [t.tolist() for t in g]}), flush=True)
dist.destroy_process_group()
