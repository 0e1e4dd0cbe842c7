"""
Gradient accumulation across processes
======================================

When training outgrows one process, each process runs the model on its own share of the
batch, and ``torch.nn.parallel.DistributedDataParallel`` (DDP) combines their
gradients. Each process's ``backward`` computes ``vᵀJ`` for its own loss, and because a VJP
is linear in ``v``, averaging those gradients gives the gradient of the averaged loss. This
example launches two real CPU processes with ``torchrun``, checks that DDP's gradient equals
the single-process gradient of the full batch, for a model in which the samples do not
interact, shows what breaks that when they do (batch normalization), and then accumulates
micro-batches with
``no_sync()``: the same gradient with one all-reduce per bucket of gradients (this small model
has one bucket) instead of one per bucket per micro-batch.
"""

# %%
# The reference: one process, the full batch
# ------------------------------------------
# A small model and a batch of 16 samples. The gradient of the mean loss over the whole batch
# is what the processes must reproduce.
import torch
import torch.nn.functional as F
from torch import nn

torch.manual_seed(0)
model = nn.Sequential(nn.Linear(3, 8), nn.Tanh(), nn.Linear(8, 2))
X = torch.randn(16, 3)
Y = torch.randn(16, 2)
F.mse_loss(model(X), Y).backward()
full_batch = {name: p.grad.clone() for name, p in model.named_parameters()}

# %%
# The worker
# ----------
# Each process runs the script below. ``torchrun`` starts the processes and tells each its
# rank (0 or 1) and the world size (2); ``init_process_group("gloo")`` connects them (gloo
# is PyTorch's backend for CPU tensors). Every process builds the same model from the
# parent's saved weights and takes its half of the batch. It computes four things:
#
# 1. its **local** gradient, with a plain copy of the model: ``vᵀJ`` for its own half;
# 2. **one DDP step**: ``backward`` on its half through the DDP-wrapped model, after which
#    DDP has all-reduced the gradients;
# 3. **k micro-batches with** ``no_sync()`` on all but the last, each loss divided by ``k``;
# 4. three variants of 3: without ``no_sync()``; with it but without the ``1 / k``; and with
#    only the backward pass, not the forward pass, inside ``no_sync()``.
#
# To count DDP's all-reduces honestly, each DDP model gets a communication hook
# (``register_comm_hook``) that counts its calls and then calls PyTorch's default
# ``allreduce_hook``, which divides the gradients by the world size and sums them over the
# processes: an average. DDP calls the hook once per bucket of gradients it communicates.
WORKER = """
import sys

import torch
import torch.distributed as dist
import torch.nn.functional as F
from torch import nn
from torch.distributed.algorithms.ddp_comm_hooks.default_hooks import allreduce_hook
from torch.nn.parallel import DistributedDataParallel

folder = sys.argv[1]
dist.init_process_group("gloo")
rank, world = dist.get_rank(), dist.get_world_size()
setup = torch.load(f"{folder}/setup.pt")
X = setup["X"].chunk(world)[rank]
Y = setup["Y"].chunk(world)[rank]
k = setup["k"]


def fresh_model():
    model = nn.Sequential(nn.Linear(3, 8), nn.Tanh(), nn.Linear(8, 2))
    model.load_state_dict(setup["state"])
    return model


def counting_hook(state, bucket):
    state["allreduces"] += 1
    return allreduce_hook(None, bucket)


def fresh_ddp():
    ddp = DistributedDataParallel(fresh_model())
    counter = {"allreduces": 0}
    ddp.register_comm_hook(counter, counting_hook)
    return ddp, counter


def grads(model):
    return {name: p.grad.clone() for name, p in model.named_parameters()}


results = {"samples": len(X), "allreduces": {}}

local = fresh_model()
F.mse_loss(local(X), Y).backward()
results["local"] = grads(local)

ddp, counter = fresh_ddp()
F.mse_loss(ddp(X), Y).backward()
results["one step"] = grads(ddp.module)
results["allreduces"]["one step"] = counter["allreduces"]


def accumulate(sync_every_step, forward_in_no_sync, scale):
    ddp, counter = fresh_ddp()
    chunks = list(zip(X.chunk(k), Y.chunk(k)))
    for index, (x, y) in enumerate(chunks):
        if sync_every_step or index == len(chunks) - 1:
            (F.mse_loss(ddp(x), y) * scale).backward()
        elif forward_in_no_sync:
            with ddp.no_sync():
                (F.mse_loss(ddp(x), y) * scale).backward()
        else:  # only the backward pass inside no_sync()
            loss = F.mse_loss(ddp(x), y) * scale
            with ddp.no_sync():
                loss.backward()
    return grads(ddp.module), counter["allreduces"]


for name, sync_every_step, forward_in_no_sync, scale in [
    ("no_sync, loss / k", False, True, 1 / k),
    ("every step, loss / k", True, False, 1 / k),
    ("no_sync, no / k", False, True, 1.0),
    ("no_sync around backward only", False, False, 1 / k),
]:
    results[name], results["allreduces"][name] = accumulate(
        sync_every_step, forward_in_no_sync, scale
    )

torch.save(results, f"{folder}/rank{rank}.pt")
for turn in range(world):  # print in rank order
    if turn == rank:
        print(f"rank {rank}: {len(X)} samples, {k} micro-batches of {len(X) // k}")
        for name, calls in results["allreduces"].items():
            print(f"rank {rank}:   {name:30} {calls} all-reduce call(s)")
        sys.stdout.flush()
    dist.barrier()
dist.destroy_process_group()
"""

# %%
# Launching two processes
# -----------------------
# The parent saves the weights, the data and ``k``, writes the worker to a temporary folder
# and runs ``torchrun`` (``python -m torch.distributed.run``) with two processes on this
# machine. ``OMP_NUM_THREADS=1`` gives each process one thread, so that the two do not compete
# for cores. ``torchrun`` sets the same itself when the variable is unset and it starts more
# than one process, but then logs a warning that it did; setting it explicitly says so and
# keeps that warning out. What the workers print comes back into this page; if either fails,
# so does this script.
import os
import subprocess
import sys
import tempfile
from pathlib import Path

k = 4
with tempfile.TemporaryDirectory() as folder:
    torch.save({"state": model.state_dict(), "X": X, "Y": Y, "k": k}, Path(folder) / "setup.pt")
    worker = Path(folder) / "worker.py"
    worker.write_text(WORKER)
    command = [sys.executable, "-m", "torch.distributed.run", "--standalone"]
    command += ["--nproc-per-node=2", f"--log-dir={Path(folder) / 'logs'}", str(worker), folder]
    completed = subprocess.run(
        command,
        capture_output=True,
        text=True,
        env={**os.environ, "OMP_NUM_THREADS": "1"},
        timeout=300,
        check=False,
    )
    if completed.returncode != 0:
        raise RuntimeError(
            f"torchrun exited with code {completed.returncode}\n"
            f"stdout:\n{completed.stdout}\nstderr:\n{completed.stderr}"
        )
    print(completed.stdout, end="")
    ranks = [torch.load(Path(folder) / f"rank{rank}.pt") for rank in range(2)]

# %%
# One DDP step equals the full batch
# ----------------------------------
# Before the all-reduce, the two processes hold different gradients, one per half of the
# batch. After it, both hold the same one, their average, and it equals the single-process
# gradient of the full batch:
assert [r["samples"] for r in ranks] == [8, 8]
for name, expected in full_batch.items():
    local_0, local_1 = ranks[0]["local"][name], ranks[1]["local"][name]
    assert not torch.allclose(local_0, local_1)
    torch.testing.assert_close(ranks[0]["one step"][name], (local_0 + local_1) / 2)
    torch.testing.assert_close(ranks[0]["one step"][name], ranks[1]["one step"][name])
    torch.testing.assert_close(ranks[0]["one step"][name], expected)
print("DDP gradient == mean of the two local gradients == full-batch gradient")

# %%
# Why: the full-batch loss is the mean over 16 samples, which is the average of the two
# halves' means, since the halves are the same size. Its gradient is ``vᵀJ`` with
# ``v = (1/2, 1/2)`` over the two half-batch losses: the average of their gradients, which is
# what the all-reduce computes. That relies on equal shares: with shares of different
# sizes, the average of the two means gives each sample of the smaller share more weight
# than the full-batch mean does.
#
# It also relies on the samples not interacting: each sample's loss depends on its own input
# only, so each half's loss is the same function of its samples on either process. Batch
# normalization in training mode breaks that. It normalizes with the statistics of the batch
# it is given, and under DDP that is each process's own share, so the average of the shares'
# gradients is not the full batch's. :class:`torch.nn.SyncBatchNorm` exists for this: it
# normalizes with the statistics of all processes' shares together. The mismatch, in one
# process, with the average of the two halves' gradients standing in for DDP's:
with_batch_norm = nn.Sequential(nn.Linear(3, 8), nn.BatchNorm1d(8), nn.Tanh(), nn.Linear(8, 2))


def weight_gradient(rows):
    with_batch_norm.zero_grad()
    F.mse_loss(with_batch_norm(X[rows]), Y[rows]).backward()
    return with_batch_norm[0].weight.grad.clone()


halves_mean = (weight_gradient(slice(0, 8)) + weight_gradient(slice(8, 16))) / 2
gap = (halves_mean - weight_gradient(slice(None))).abs().max().item()
print(f"with batch norm: max |full batch - mean of the halves| = {gap:.3f}")
assert gap > 0.01

# %%
# Micro-batches: ``no_sync()`` and the ``1 / k``
# ----------------------------------------------
# Each process splits its half into ``k`` micro-batches, as in
# :doc:`/auto_examples/01_tensor/03_grad_accumulation`: ``backward`` adds to ``.grad``, and dividing each
# equal-sized micro-batch's mean loss by ``k`` makes the sum equal the gradient of the half's
# mean loss. Inside ``no_sync()`` DDP skips the all-reduce, so the gradients accumulate
# locally, and the last ``backward``, outside it, all-reduces the accumulated sum, once per
# bucket: DDP groups the gradients into buckets, whose size ``bucket_cap_mb`` sets, and
# all-reduces each bucket separately. This model's gradients fit in one bucket, so one
# synchronized ``backward`` is one all-reduce here.
one_sync = ranks[0]["allreduces"]["one step"]  # calls per synchronized backward
print(f"all-reduce calls per synchronized backward (one bucket each): {one_sync}")
for result in ranks:
    counts = result["allreduces"]
    assert counts["no_sync, loss / k"] == one_sync
    assert counts["every step, loss / k"] == k * one_sync
    assert counts["no_sync around backward only"] == k * one_sync
    for name, expected in full_batch.items():
        torch.testing.assert_close(result["no_sync, loss / k"][name], expected)
        torch.testing.assert_close(result["every step, loss / k"][name], expected)
        torch.testing.assert_close(result["no_sync, no / k"][name], k * expected)
        torch.testing.assert_close(result["no_sync around backward only"][name], expected)
print(f"no_sync: the full-batch gradient with {one_sync} all-reduce(s) instead of {k * one_sync}")
print(f"without the 1 / k: {k} times the gradient")

# sphinx_gallery_start_ignore
# The model is small enough for DDP to put all its gradients in one bucket.
assert one_sync == 1
# sphinx_gallery_end_ignore

# %%
# Without ``no_sync()`` the gradient is also right, but it costs ``k`` all-reduces: each
# synchronized ``backward`` averages what ``.grad`` holds at that point. The part that was
# averaged before is already the same on every process, and averaging it again changes
# nothing; the ``k - 1`` early all-reduces are wasted communication.
#
# The same happens, silently, when only ``backward`` is inside ``no_sync()``: DDP decides
# whether to synchronize during the *forward* pass, and the forward passes ran outside the
# context. The gradient is right and the communication is ``k`` times what it should be, as
# the warning in ``no_sync``'s documentation says: put the forward pass inside too.
#
# The loss scaling, in one line per level: ``1 / k`` per micro-batch turns ``k`` accumulated
# mean losses into the mean over the process's share; DDP's average over the processes turns
# the shares' means into the mean over the whole batch. Both are weights in ``v``.
#
# Key points
# ----------
# - Each process's ``backward`` computes ``vᵀJ`` for its own share; DDP all-reduces and
#   divides by the number of processes, so ``.grad`` is the average, the gradient of the
#   average loss. With equal shares and mean losses, and samples that do not interact, that
#   is the full-batch gradient. Batch norm in training mode normalizes each share on its own
#   and breaks the equality; :class:`torch.nn.SyncBatchNorm` normalizes across processes.
# - ``no_sync()`` on all micro-batches but the last accumulates locally and all-reduces once
#   per bucket, at the last ``backward``; without it the gradient is the same, with ``k`` times
#   the all-reduces. Put the forward pass inside ``no_sync()`` too.
# - With equal-sized micro-batches and equal shares, divide each micro-batch's mean loss by
#   ``k``; DDP's average takes care of the number of processes.
# - ``torchrun`` starts the processes; a DDP communication hook can count or change what is
#   communicated.
#
# Next: :doc:`the sharp bits of autograd </auto_examples/03_training/11_sharp_bits>`.
