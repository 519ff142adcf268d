#!/usr/bin/env python3
"""A lean PyTorch implementation of exactly our default NeuralRG model, the peer our speed is
measured against: MERA hierarchy of Real NVP blocks (10 couplings, separate s and t MLPs
[4, 10, 10, 10, 4] with ELU, s = scale * tanh(h)), standard normal prior, Z2 symmetry, the Ising
dual target with K'^-1 x by FFT, reverse-KL training with Adam (L2 weight decay, as in the letter).

The hierarchy plan and the weights come from `bench_model export L model.json`, so the peer needs
no geometry code of its own and `check` can prove it computes the same ln q(x) and E(x).

  neuralrg_torch.py check  model.json                       same model? (float64, to 1e-8)
  neuralrg_torch.py train  model.json EPOCHS  [--dtype float32|float64] [--threads N]
  neuralrg_torch.py passes model.json REPS    [...]          generative / inference pass
  neuralrg_torch.py hmc    model.json REPS    [...]          one latent HMC trajectory
Timing modes print CSV lines `what,median_s,min_s,max_s`.
"""
import argparse
import json
import math
import statistics
import sys
import time

import torch

LN2 = math.log(2.0)
LOG_2PI = math.log(2.0 * math.pi)


class MLP(torch.nn.Module):
    def __init__(self, tensors):
        super().__init__()
        self.weights = torch.nn.ParameterList(tensors[0::2])
        self.biases = torch.nn.ParameterList(tensors[1::2])

    def forward(self, x):
        last = len(self.weights) - 1
        for i, (w, b) in enumerate(zip(self.weights, self.biases)):
            x = torch.nn.functional.linear(x, w, b)
            if i < last:
                x = torch.nn.functional.elu(x)
        return x


class RealNVP(torch.nn.Module):
    """Masked affine couplings with checkerboard masks alternating with their complement."""

    def __init__(self, tensors, couplings, width, dtype):
        super().__init__()
        per_net = len(tensors) // couplings // 2  # (W, b) pairs of one MLP, flattened
        self.s_nets, self.t_nets, self.scales, self.masks = (torch.nn.ModuleList(), torch.nn.ModuleList(),
                                                             torch.nn.ParameterList(), [])
        checker = torch.tensor([1.0 if i % 2 == 0 else 0.0 for i in range(width)], dtype=dtype)
        for k in range(couplings):
            base = k * (2 * per_net + 1)
            self.s_nets.append(MLP(tensors[base:base + per_net]))
            self.t_nets.append(MLP(tensors[base + per_net:base + 2 * per_net]))
            self.scales.append(tensors[base + 2 * per_net])
            self.masks.append(checker if k % 2 == 0 else 1 - checker)
        self.couplings = couplings

    def _step(self, k, y, inverse):
        m = self.masks[k]
        ym = y * m
        s = torch.tanh(self.s_nets[k](ym)) * self.scales[k]
        t = self.t_nets[k](ym)
        if inverse:
            return ym + (1 - m) * ((y - t) * torch.exp(-s)), -((1 - m) * s).sum(1)
        return ym + (1 - m) * (y * torch.exp(s) + t), ((1 - m) * s).sum(1)

    def forward(self, z):
        log_det = torch.zeros(z.shape[0], dtype=z.dtype)
        for k in range(self.couplings):
            z, ld = self._step(k, z, False)
            log_det = log_det + ld
        return z, log_det

    def inverse(self, x):
        log_det = torch.zeros(x.shape[0], dtype=x.dtype)
        for k in reversed(range(self.couplings)):
            x, ld = self._step(k, x, True)
            log_det = log_det + ld
        return x, log_det


class Flow(torch.nn.Module):
    def __init__(self, model, dtype):
        super().__init__()
        tensors = [torch.nn.Parameter(torch.tensor(p["data"], dtype=dtype).reshape(p["rows"], p["cols"]))
                   for p in model["parameters"]]
        self.layers = [torch.tensor(layer["index"]).reshape(layer["blocks"], 4) for layer in model["layers"]]
        per_block = len(tensors) // len(self.layers)
        self.blocks = torch.nn.ModuleList(
            RealNVP(tensors[i * per_block:(i + 1) * per_block], model["couplings"], 4, dtype)
            for i in range(len(self.layers)))
        self.sites = model["L"] ** 2

    def _layer(self, i, x, inverse):
        index = self.layers[i]
        batch, blocks = x.shape[0], index.shape[0]
        rows = x[:, index.reshape(-1)].reshape(batch * blocks, 4)
        out, log_det = self.blocks[i].inverse(rows) if inverse else self.blocks[i](rows)
        x = x.index_copy(1, index.reshape(-1), out.reshape(batch, blocks * 4))
        return x, log_det.reshape(batch, blocks).sum(1)

    def forward(self, z):  # generation, x = g(z)
        log_det = torch.zeros(z.shape[0], dtype=z.dtype)
        for i in reversed(range(len(self.layers))):
            z, ld = self._layer(i, z, False)
            log_det = log_det + ld
        return z, log_det

    def inverse(self, x):  # inference, z = g^-1(x)
        log_det = torch.zeros(x.shape[0], dtype=x.dtype)
        for i in range(len(self.layers)):
            x, ld = self._layer(i, x, True)
            log_det = log_det + ld
        return x, log_det


def log_prior(z):
    return -0.5 * (z * z).sum(1) - 0.5 * z.shape[1] * LOG_2PI


def bare_log_q(flow, x):
    z, log_det = flow.inverse(x)
    return log_prior(z) + log_det


def log_q_z2(flow, x):
    return torch.logsumexp(torch.stack([bare_log_q(flow, x), bare_log_q(flow, -x)]), 0) - LN2


class IsingDual:
    """E(x) = 1/2 x^T (K + aI)^-1 x - sum ln cosh x, with (K + aI)^-1 applied by FFT."""

    def __init__(self, model, dtype):
        L, beta, a = model["L"], model["beta"], model["offset"]
        k = torch.arange(L, dtype=torch.float64)
        c = torch.cos(2 * math.pi * k / L)
        eig = beta * 2 * (c[:, None] + c[None, :]) + a
        self.inverse_eig = (1 / eig)[:, : L // 2 + 1].to(dtype)
        self.L = L

    def energy(self, x):
        grid = x.reshape(-1, self.L, self.L)
        k_inv_x = torch.fft.irfft2(torch.fft.rfft2(grid) * self.inverse_eig, s=(self.L, self.L))
        quadratic = 0.5 * (grid * k_inv_x).sum((1, 2))
        log_cosh = torch.nn.functional.softplus(2 * x) - x - LN2
        return quadratic - log_cosh.sum(1)


def train_step(flow, target, optimizer, batch):
    z = torch.randn(batch, flow.sites, dtype=target.inverse_eig.dtype)
    x, log_det = flow(z)
    log_q = log_prior(z) - log_det
    # Z2: q(x) = [q0(x) + q0(-x)]/2, one inference pass of -x, then a random sign per sample.
    log_q = torch.logsumexp(torch.stack([log_q, bare_log_q(flow, -x)]), 0) - LN2
    signs = torch.where(torch.rand(batch) < 0.5, -1.0, 1.0).to(x.dtype)
    loss = (log_q + target.energy(x * signs[:, None])).mean()
    optimizer.zero_grad(set_to_none=True)
    loss.backward()
    optimizer.step()
    return loss.item()


def timed(reps, body):
    body()  # warm-up
    seconds = []
    for _ in range(reps):
        start = time.perf_counter()
        body()
        seconds.append(time.perf_counter() - start)
    return statistics.median(seconds), min(seconds), max(seconds)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["check", "train", "passes", "hmc"])
    ap.add_argument("model")
    ap.add_argument("count", nargs="?", type=int, default=5)
    ap.add_argument("--dtype", choices=["float32", "float64"], default="float64")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--batch", type=int, default=512)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    dtype = torch.float64 if args.mode == "check" else getattr(torch, args.dtype)
    model = json.load(open(args.model))
    flow, target = Flow(model, dtype), IsingDual(model, dtype)

    if args.mode == "check":
        n = model["L"] ** 2
        x = torch.tensor(model["test_x"], dtype=torch.float64).reshape(-1, n)
        with torch.no_grad():
            dq = (log_q_z2(flow, x) - torch.tensor(model["test_log_q"], dtype=torch.float64)).abs().max().item()
            de = (target.energy(x) - torch.tensor(model["test_energy"], dtype=torch.float64)).abs().max().item()
        print(f"max |ln q difference| {dq:.3e}, max |E difference| {de:.3e}")
        sys.exit(0 if dq < 1e-8 and de < 1e-8 else 1)

    if args.mode == "train":
        optimizer = torch.optim.Adam(flow.parameters(), lr=1e-3, weight_decay=1e-3)
        print("epoch,seconds,loss")
        for epoch in range(args.count):
            start = time.perf_counter()
            loss = train_step(flow, target, optimizer, args.batch)
            print(f"{epoch},{time.perf_counter() - start:.6f},{loss:.6f}", flush=True)
        return

    if args.mode == "passes":
        z = torch.randn(args.batch, flow.sites, dtype=dtype)
        with torch.no_grad():
            x, _ = flow(z)
            gen = timed(args.count, lambda: flow(z))
            inf = timed(args.count, lambda: flow.inverse(x))
        print("what,median_s,min_s,max_s")
        print("generative,%.4f,%.4f,%.4f" % gen)
        print("inference,%.4f,%.4f,%.4f" % inf)
        return

    # One latent HMC trajectory of all chains: 10 leapfrog steps of 0.2 on
    # U(z) = E(g(z)) - ln|det dg/dz| (as our hmc plugin: one gradient at the start, one per step).
    for p in flow.parameters():
        p.requires_grad_(False)

    def energy_and_grad(z):
        z = z.detach().requires_grad_(True)
        x, log_det = flow(z)
        u = target.energy(x) - log_det
        (grad,) = torch.autograd.grad(u.sum(), z)
        return u.detach(), grad

    z0 = torch.randn(args.batch, flow.sites, dtype=dtype)

    def trajectory():
        eps = 0.2
        z = z0.clone()
        p = torch.randn_like(z)
        u0, g = energy_and_grad(z)
        h0 = u0 + 0.5 * (p * p).sum(1)
        p = p - 0.5 * eps * g
        for step in range(10):
            z = z + eps * p
            u, g = energy_and_grad(z)
            p = p - (eps if step < 9 else 0.5 * eps) * g
        accept = torch.rand(z.shape[0], dtype=dtype).log() < h0 - (u + 0.5 * (p * p).sum(1))
        return torch.where(accept[:, None], z, z0)

    print("what,median_s,min_s,max_s")
    print("hmc_trajectory,%.4f,%.4f,%.4f" % timed(args.count, trajectory))


if __name__ == "__main__":
    main()
