"""PyTorch on the CPU, the peer of `npm run bench:sweep`'s CPU rows: the notebook's 13-64-32-16-1 ReLU network,
mini-batch Adam (batch 128, lr from the command line), one epoch over the same X and Y the benchmark writes.

Two ways a PyTorch user would train K models:
  * `sequential`: one `nn.Sequential` per model, trained one after another;
  * `bmm`: K models stacked, each layer one `torch.baddbmm` over (K, batch, n), one Adam over the stacked weights.

Usage: python3 pytorch_sweep.py X.npy Y.npy --ks 1,4,16,64 --runs 3 --lr 0.002 --threads 2
Prints one JSON object: per K and way, the median epoch in ms (after one warm-up epoch), the thread count, torch's
version and the load average before and after.
"""
import argparse
import json
import os
import time

import numpy as np
import torch


def sequential_model(dims):
    layers = []
    for k, n in zip(dims[:-1], dims[1:]):
        layers += [torch.nn.Linear(k, n), torch.nn.ReLU()]
    return torch.nn.Sequential(*layers)


class Stacked(torch.nn.Module):
    """K networks of the same dims, each layer one batched matmul over the models."""

    def __init__(self, dims, K):
        super().__init__()
        self.W = torch.nn.ParameterList()
        self.b = torch.nn.ParameterList()
        for k, n in zip(dims[:-1], dims[1:]):
            self.W.append(torch.nn.Parameter(torch.randn(K, k, n) * np.sqrt(2.0 / k)))
            self.b.append(torch.nn.Parameter(torch.zeros(K, 1, n)))

    def forward(self, x):  # x: (K, batch, dims[0])
        for W, b in zip(self.W, self.b):
            x = torch.relu(torch.baddbmm(b, x, W))
        return x


def epoch(model, opt, X, Y, batch, perm, stacked, K):
    m = X.shape[0]
    for s in range(0, m, batch):
        idx = perm[s : s + batch]
        xb, yb = X[idx], Y[idx]
        if stacked:
            xb, yb = xb.expand(K, -1, -1), yb.expand(K, -1, -1)
        opt.zero_grad(set_to_none=True)
        loss = torch.nn.functional.mse_loss(model(xb), yb)
        if stacked:
            loss = loss * K  # each model's own mean, summed: the same gradients as K separate losses
        loss.backward()
        opt.step()


def timed(way, K, X, Y, dims, args):
    torch.manual_seed(0)
    m = X.shape[0]
    if way == "bmm":
        models = [Stacked(dims, K)]
    else:
        models = [sequential_model(dims) for _ in range(K)]
    opts = [torch.optim.Adam(mod.parameters(), lr=args.lr) for mod in models]
    times = []
    for run in range(args.runs + 1):
        perm = torch.randperm(m)
        t0 = time.perf_counter()
        for mod, opt in zip(models, opts):
            epoch(mod, opt, X, Y, args.batch, perm, way == "bmm", K)
        ms = (time.perf_counter() - t0) * 1000
        if run > 0:  # the first epoch warms up
            times.append(ms)
    return float(np.median(times))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("x")
    p.add_argument("y")
    p.add_argument("--ks", default="1,4,16,64")
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--lr", type=float, default=0.002)
    p.add_argument("--batch", type=int, default=128)
    p.add_argument("--threads", type=int, default=os.cpu_count())
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    X = torch.from_numpy(np.load(args.x).astype(np.float32).T.copy())  # (m, 13): PyTorch's rows are examples
    Y = torch.from_numpy(np.load(args.y).astype(np.float32).T.copy())
    dims = [X.shape[1], 64, 32, 16, Y.shape[1]]
    load_before = os.getloadavg()
    rows = []
    for K in [int(k) for k in args.ks.split(",")]:
        for way in ["sequential", "bmm"]:
            if way == "sequential" and K > 16:
                continue  # K one-after-another epochs of a minute or more tell nothing new
            rows.append({"K": K, "way": way, "epoch_ms": timed(way, K, X, Y, dims, args)})
    print(
        json.dumps(
            {
                "torch": torch.__version__,
                "threads": torch.get_num_threads(),
                "m": int(X.shape[0]),
                "batch": args.batch,
                "load_before": load_before,
                "load_after": os.getloadavg(),
                "rows": rows,
            }
        )
    )


if __name__ == "__main__":
    main()
