"""Where each object the site links to is documented, verified against its project's own sources.

One entry per object: (Sphinx role, page and anchor relative to the project's base URL,
the evidence). The evidence names the documentation source that puts the object on that page
(PyTorch's ``docs/source``, CPython's ``Doc/library``, matplotlib's ``doc/api``), as read
for torch 2.13, Python 3.11 and matplotlib 3.11 in 2026-11.

The offline inventories (:mod:`jacdoc_docs.inventories`) take these pages over the guessed
ones, and ``tests/site/test_links.py`` checks that every link the built site makes into
those projects is to an object listed here, at the page listed here.
"""

from __future__ import annotations

TORCH: dict[str, tuple[str, str, str]] = {
    "torch.Size": (
        "py:class",
        "size.html#torch.Size",
        "docs/source/size.md: '.. autoclass:: torch.Size' :members: :inherited-members:",
    ),
    "torch.Tensor": (
        "py:class",
        "tensors.html#torch.Tensor",
        "docs/source/tensors.md: '.. class:: Tensor()' (currentmodule torch); no generated page",
    ),
    "torch.Tensor.T": (
        "py:attribute",
        "tensors.html#torch.Tensor.T",
        "docs/source/tensors.md: '.. autoattribute:: Tensor.T' directly in page (no generated page)",
    ),
    "torch.Tensor.backward": (
        "py:method",
        "generated/torch.Tensor.backward.html#torch.Tensor.backward",
        "docs/source/tensors.md: autosummary :toctree: generated (Tensor.* list), method template -> automethod",
    ),
    "torch.Tensor.detach": (
        "py:method",
        "generated/torch.Tensor.detach.html#torch.Tensor.detach",
        "docs/source/tensors.md: autosummary :toctree: generated (Tensor.* list), method template -> automethod",
    ),
    "torch.Tensor.grad": (
        "py:attribute",
        "generated/torch.Tensor.grad.html#torch.Tensor.grad",
        "docs/source/tensors.md: autosummary :toctree: generated 'Tensor.grad' (C getset descriptor -> autoattribute); autograd.md also lists it in a non-toctree autosummary",
    ),
    "torch.Tensor.permute": (
        "py:method",
        "generated/torch.Tensor.permute.html#torch.Tensor.permute",
        "docs/source/tensors.md: autosummary :toctree: generated (Tensor.* list), method template -> automethod",
    ),
    "torch.Tensor.register_hook": (
        "py:method",
        "generated/torch.Tensor.register_hook.html#torch.Tensor.register_hook",
        "docs/source/tensors.md: autosummary :toctree: generated (Tensor.* list), method template -> automethod",
    ),
    "torch.Tensor.requires_grad_": (
        "py:method",
        "generated/torch.Tensor.requires_grad_.html#torch.Tensor.requires_grad_",
        "docs/source/tensors.md: autosummary :toctree: generated (Tensor.* list), method template -> automethod",
    ),
    "torch.Tensor.reshape": (
        "py:method",
        "generated/torch.Tensor.reshape.html#torch.Tensor.reshape",
        "docs/source/tensors.md: autosummary :toctree: generated (Tensor.* list), method template -> automethod",
    ),
    "torch.Tensor.retain_grad": (
        "py:method",
        "generated/torch.Tensor.retain_grad.html#torch.Tensor.retain_grad",
        "docs/source/tensors.md: autosummary :toctree: generated (Tensor.* list), method template -> automethod",
    ),
    "torch.Tensor.zero_": (
        "py:method",
        "generated/torch.Tensor.zero_.html#torch.Tensor.zero_",
        "docs/source/tensors.md: autosummary :toctree: generated (Tensor.* list), method template -> automethod",
    ),
    "torch.UntypedStorage": (
        "py:class",
        "storage.html#torch.UntypedStorage",
        "docs/source/storage.md: '.. autoclass:: torch.UntypedStorage' :members: directly in page",
    ),
    "torch.allclose": (
        "py:function",
        "generated/torch.allclose.html#torch.allclose",
        "docs/source/torch.md: autosummary :toctree: generated (currentmodule torch) [Comparison Ops]",
    ),
    "torch.arange": (
        "py:function",
        "generated/torch.arange.html#torch.arange",
        "docs/source/torch.md: autosummary :toctree: generated (currentmodule torch) [Creation Ops]",
    ),
    "torch.autograd.Function": (
        "py:class",
        "autograd.html#torch.autograd.Function",
        "docs/source/autograd.md: '.. autoclass:: Function' directly in page (no :members:, no generated page)",
    ),
    "torch.autograd.Function.backward": (
        "py:method",
        "generated/torch.autograd.Function.backward.html#torch.autograd.Function.backward",
        "docs/source/autograd.md: autosummary :toctree: generated 'Function.backward'",
    ),
    "torch.autograd.Function.forward": (
        "py:method",
        "generated/torch.autograd.Function.forward.html#torch.autograd.Function.forward",
        "docs/source/autograd.md: autosummary :toctree: generated 'Function.forward'",
    ),
    "torch.autograd.Function.jvp": (
        "py:method",
        "generated/torch.autograd.Function.jvp.html#torch.autograd.Function.jvp",
        "docs/source/autograd.md: autosummary :toctree: generated 'Function.jvp'",
    ),
    "torch.autograd.Function.vmap": (
        "py:method",
        "generated/torch.autograd.Function.vmap.html#torch.autograd.Function.vmap",
        "docs/source/autograd.md: autosummary :toctree: generated 'Function.vmap'",
    ),
    "torch.autograd.backward": (
        "py:function",
        "generated/torch.autograd.backward.html#torch.autograd.backward",
        "docs/source/autograd.md: autosummary :toctree: generated (currentmodule torch.autograd)",
    ),
    "torch.autograd.forward_ad.dual_level": (
        "py:class",
        "generated/torch.autograd.forward_ad.dual_level.html#torch.autograd.forward_ad.dual_level",
        "docs/source/autograd.md: autosummary :toctree: generated 'forward_ad.dual_level'",
    ),
    "torch.autograd.forward_ad.make_dual": (
        "py:function",
        "generated/torch.autograd.forward_ad.make_dual.html#torch.autograd.forward_ad.make_dual",
        "docs/source/autograd.md: autosummary :toctree: generated 'forward_ad.make_dual'",
    ),
    "torch.autograd.forward_ad.unpack_dual": (
        "py:function",
        "generated/torch.autograd.forward_ad.unpack_dual.html#torch.autograd.forward_ad.unpack_dual",
        "docs/source/autograd.md: autosummary :toctree: generated 'forward_ad.unpack_dual'",
    ),
    "torch.autograd.function.once_differentiable": (
        "py:function",
        "generated/torch.autograd.function.once_differentiable.html#torch.autograd.function.once_differentiable",
        "docs/source/autograd.md: autosummary :toctree: generated 'function.once_differentiable' [Custom Function utilities]",
    ),
    "torch.autograd.functional": (
        "py:module",
        "autograd.html#module-torch.autograd.functional",
        "docs/source/autograd.md: '.. py:module:: torch.autograd.functional' (tracking entry; functions themselves are on generated pages)",
    ),
    "torch.autograd.functional.hessian": (
        "py:function",
        "generated/torch.autograd.functional.hessian.html#torch.autograd.functional.hessian",
        "docs/source/autograd.md: autosummary :toctree: generated 'functional.hessian'",
    ),
    "torch.autograd.functional.vhp": (
        "py:function",
        "generated/torch.autograd.functional.vhp.html#torch.autograd.functional.vhp",
        "docs/source/autograd.md: autosummary :toctree: generated 'functional.vhp'",
    ),
    "torch.autograd.functional.hvp": (
        "py:function",
        "generated/torch.autograd.functional.hvp.html#torch.autograd.functional.hvp",
        "docs/source/autograd.md: autosummary :toctree: generated 'functional.hvp'",
    ),
    "torch.autograd.functional.jacobian": (
        "py:function",
        "generated/torch.autograd.functional.jacobian.html#torch.autograd.functional.jacobian",
        "docs/source/autograd.md: autosummary :toctree: generated 'functional.jacobian'",
    ),
    "torch.autograd.functional.jvp": (
        "py:function",
        "generated/torch.autograd.functional.jvp.html#torch.autograd.functional.jvp",
        "docs/source/autograd.md: autosummary :toctree: generated 'functional.jvp'",
    ),
    "torch.autograd.functional.vjp": (
        "py:function",
        "generated/torch.autograd.functional.vjp.html#torch.autograd.functional.vjp",
        "docs/source/autograd.md: autosummary :toctree: generated 'functional.vjp'",
    ),
    "torch.autograd.grad": (
        "py:function",
        "generated/torch.autograd.grad.html#torch.autograd.grad",
        "docs/source/autograd.md: autosummary :toctree: generated (currentmodule torch.autograd)",
    ),
    "torch.autograd.gradcheck": (
        "py:function",
        "generated/torch.autograd.gradcheck.gradcheck.html#torch.autograd.gradcheck.gradcheck",
        "docs/source/autograd.md: '.. automodule:: torch.autograd.gradcheck' + currentmodule torch.autograd.gradcheck + autosummary :toctree: generated 'gradcheck' -> documented as torch.autograd.gradcheck.gradcheck. NOTE: the name 'torch.autograd.gradcheck' itself is in the inventory only as py:module -> autograd.html#module-torch.autograd.gradcheck",
    ),
    "torch.autograd.gradgradcheck": (
        "py:function",
        "generated/torch.autograd.gradcheck.gradgradcheck.html#torch.autograd.gradcheck.gradgradcheck",
        "docs/source/autograd.md: autosummary :toctree: generated 'gradgradcheck' under currentmodule torch.autograd.gradcheck -> documented as torch.autograd.gradcheck.gradgradcheck",
    ),
    "torch.autograd.graph.saved_tensors_hooks": (
        "py:class",
        "autograd.html#torch.autograd.graph.saved_tensors_hooks",
        "docs/source/autograd.md: '.. autoclass:: torch.autograd.graph.saved_tensors_hooks' directly in page",
    ),
    "torch.cos": (
        "py:function",
        "generated/torch.cos.html#torch.cos",
        "docs/source/torch.md: autosummary :toctree: generated (currentmodule torch) [Pointwise Ops]",
    ),
    "torch.diag": (
        "py:function",
        "generated/torch.diag.html#torch.diag",
        "docs/source/torch.md: autosummary :toctree: generated (currentmodule torch) [Other Operations]",
    ),
    "torch.distributed.algorithms.ddp_comm_hooks.default_hooks.allreduce_hook": (
        "py:function",
        "ddp_comm_hooks.html#torch.distributed.algorithms.ddp_comm_hooks.default_hooks.allreduce_hook",
        "docs/source/ddp_comm_hooks.md: currentmodule torch.distributed.algorithms.ddp_comm_hooks.default_hooks + '.. autofunction:: allreduce_hook' directly in page",
    ),
    "torch.distributed.all_reduce": (
        "py:function",
        "distributed.html#torch.distributed.all_reduce",
        "docs/source/distributed.md: autofunction (currentmodule torch.distributed) [Collective functions]",
    ),
    "torch.distributed.get_rank": (
        "py:function",
        "distributed.html#torch.distributed.get_rank",
        "docs/source/distributed.md: autofunction (currentmodule torch.distributed) [Post-Initialization]",
    ),
    "torch.distributed.init_process_group": (
        "py:function",
        "distributed.html#torch.distributed.init_process_group",
        "docs/source/distributed.md: autofunction (currentmodule torch.distributed) [Initialization]",
    ),
    "torch.dtype": (
        "py:class",
        "tensor_attributes.html#torch.dtype",
        "docs/source/tensor_attributes.md: '.. class:: dtype' (currentmodule torch)",
    ),
    "torch.einsum": (
        "py:function",
        "generated/torch.einsum.html#torch.einsum",
        "docs/source/torch.md: autosummary :toctree: generated (currentmodule torch) [Other Operations]",
    ),
    "torch.enable_grad": (
        "py:class",
        "generated/torch.enable_grad.html#torch.enable_grad",
        "docs/source/torch.md: autosummary :toctree: generated (currentmodule torch) [Locally disabling gradient computation]; object is a class",
    ),
    "torch.equal": (
        "py:function",
        "generated/torch.equal.html#torch.equal",
        "docs/source/torch.md: autosummary :toctree: generated (currentmodule torch) [Comparison Ops]",
    ),
    "torch.exp": (
        "py:function",
        "generated/torch.exp.html#torch.exp",
        "docs/source/torch.md: autosummary :toctree: generated (currentmodule torch) [Pointwise Ops]",
    ),
    "torch.eye": (
        "py:function",
        "generated/torch.eye.html#torch.eye",
        "docs/source/torch.md: autosummary :toctree: generated (currentmodule torch) [Creation Ops]",
    ),
    "torch.finfo": (
        "py:class",
        "type_info.html#torch.finfo",
        "docs/source/type_info.md: '.. class:: torch.finfo' directly in page",
    ),
    "torch.full": (
        "py:function",
        "generated/torch.full.html#torch.full",
        "docs/source/torch.md: autosummary :toctree: generated (currentmodule torch) [Creation Ops]",
    ),
    "torch.func": (
        "py:module",
        "func.api.html#module-torch.func",
        "docs/source/func.api.md (== func.api.rst): '.. automodule:: torch.func' (func.md only has currentmodule, which creates no target)",
    ),
    "torch.func.functional_call": (
        "py:function",
        "generated/torch.func.functional_call.html#torch.func.functional_call",
        "docs/source/func.api.md (== func.api.rst): autosummary :toctree: generated (currentmodule torch.func)",
    ),
    "torch.func.grad": (
        "py:function",
        "generated/torch.func.grad.html#torch.func.grad",
        "docs/source/func.api.md (== func.api.rst): autosummary :toctree: generated (currentmodule torch.func)",
    ),
    "torch.func.hessian": (
        "py:function",
        "generated/torch.func.hessian.html#torch.func.hessian",
        "docs/source/func.api.md (== func.api.rst): autosummary :toctree: generated (currentmodule torch.func)",
    ),
    "torch.func.jacfwd": (
        "py:function",
        "generated/torch.func.jacfwd.html#torch.func.jacfwd",
        "docs/source/func.api.md (== func.api.rst): autosummary :toctree: generated (currentmodule torch.func)",
    ),
    "torch.func.jacrev": (
        "py:function",
        "generated/torch.func.jacrev.html#torch.func.jacrev",
        "docs/source/func.api.md (== func.api.rst): autosummary :toctree: generated (currentmodule torch.func)",
    ),
    "torch.func.jvp": (
        "py:function",
        "generated/torch.func.jvp.html#torch.func.jvp",
        "docs/source/func.api.md (== func.api.rst): autosummary :toctree: generated (currentmodule torch.func)",
    ),
    "torch.func.replace_all_batch_norm_modules_": (
        "py:function",
        "generated/torch.func.replace_all_batch_norm_modules_.html#torch.func.replace_all_batch_norm_modules_",
        "docs/source/func.api.md (== func.api.rst): autosummary :toctree: generated (currentmodule torch.func) [Utilities for working with torch.nn.Modules]",
    ),
    "torch.func.vjp": (
        "py:function",
        "generated/torch.func.vjp.html#torch.func.vjp",
        "docs/source/func.api.md (== func.api.rst): autosummary :toctree: generated (currentmodule torch.func)",
    ),
    "torch.func.vmap": (
        "py:function",
        "generated/torch.func.vmap.html#torch.func.vmap",
        "docs/source/func.api.md (== func.api.rst): autosummary :toctree: generated (currentmodule torch.func)",
    ),
    "torch.get_num_threads": (
        "py:function",
        "generated/torch.get_num_threads.html#torch.get_num_threads",
        "docs/source/torch.md: autosummary :toctree: generated (currentmodule torch) [Parallelism]",
    ),
    "torch.linalg.lstsq": (
        "py:function",
        "generated/torch.linalg.lstsq.html#torch.linalg.lstsq",
        "docs/source/linalg.md: autosummary :toctree: generated [Solvers] (currentmodule torch.linalg)",
    ),
    "torch.load": (
        "py:function",
        "generated/torch.load.html#torch.load",
        "docs/source/torch.md: autosummary :toctree: generated (currentmodule torch) [Serialization]",
    ),
    "torch.log": (
        "py:function",
        "generated/torch.log.html#torch.log",
        "docs/source/torch.md: autosummary :toctree: generated (currentmodule torch) [Pointwise Ops]",
    ),
    "torch.log1p": (
        "py:function",
        "generated/torch.log1p.html#torch.log1p",
        "docs/source/torch.md: autosummary :toctree: generated (currentmodule torch) [Pointwise Ops]",
    ),
    "torch.logspace": (
        "py:function",
        "generated/torch.logspace.html#torch.logspace",
        "docs/source/torch.md: autosummary :toctree: generated (currentmodule torch) [Creation Ops]",
    ),
    "torch.logsumexp": (
        "py:function",
        "generated/torch.logsumexp.html#torch.logsumexp",
        "docs/source/torch.md: autosummary :toctree: generated (currentmodule torch) [Reduction Ops]",
    ),
    "torch.manual_seed": (
        "py:function",
        "generated/torch.manual_seed.html#torch.manual_seed",
        "docs/source/torch.md: autosummary :toctree: generated (currentmodule torch) [Random sampling]",
    ),
    "torch.nn.BatchNorm1d": (
        "py:class",
        "generated/torch.nn.BatchNorm1d.html#torch.nn.BatchNorm1d",
        "docs/source/nn.md: autosummary :toctree: generated :template: classtemplate.rst [Normalization Layers]",
    ),
    "torch.nn.Dropout": (
        "py:class",
        "generated/torch.nn.Dropout.html#torch.nn.Dropout",
        "docs/source/nn.md: autosummary :toctree: generated :template: classtemplate.rst [Dropout Layers]",
    ),
    "torch.nn.SyncBatchNorm": (
        "py:class",
        "generated/torch.nn.SyncBatchNorm.html#torch.nn.SyncBatchNorm",
        "docs/source/nn.md: autosummary :toctree: generated :template: classtemplate.rst [Normalization Layers]",
    ),
    "torch.nn.GroupNorm": (
        "py:class",
        "generated/torch.nn.GroupNorm.html#torch.nn.GroupNorm",
        "docs/source/nn.md: autosummary :toctree: generated :template: classtemplate.rst [Normalization Layers]",
    ),
    "torch.nn.Linear": (
        "py:class",
        "generated/torch.nn.Linear.html#torch.nn.Linear",
        "docs/source/nn.md: autosummary :toctree: generated :template: classtemplate.rst [Linear Layers]",
    ),
    "torch.nn.Module": (
        "py:class",
        "generated/torch.nn.Module.html#torch.nn.Module",
        "docs/source/nn.md: autosummary :toctree: generated :template: classtemplate.rst [Containers]",
    ),
    "torch.nn.Parameter": (
        "py:class",
        "generated/torch.nn.parameter.Parameter.html#torch.nn.parameter.Parameter",
        "docs/source/nn.md: autosummary :toctree: generated :template: classtemplate.rst entry '~parameter.Parameter' under currentmodule torch.nn -> documented (and inventoried) as torch.nn.parameter.Parameter; no page/anchor named torch.nn.Parameter",
    ),
    "torch.nn.Sequential": (
        "py:class",
        "generated/torch.nn.Sequential.html#torch.nn.Sequential",
        "docs/source/nn.md: autosummary :toctree: generated :template: classtemplate.rst [Containers]",
    ),
    "torch.nn.Tanh": (
        "py:class",
        "generated/torch.nn.Tanh.html#torch.nn.Tanh",
        "docs/source/nn.md: autosummary :toctree: generated :template: classtemplate.rst [Non-linear Activations]",
    ),
    "torch.nn.functional.linear": (
        "py:function",
        "generated/torch.nn.functional.linear.html#torch.nn.functional.linear",
        "docs/source/nn.functional.md: autosummary :toctree: generated (currentmodule torch.nn.functional)",
    ),
    "torch.nn.functional.mse_loss": (
        "py:function",
        "generated/torch.nn.functional.mse_loss.html#torch.nn.functional.mse_loss",
        "docs/source/nn.functional.md: autosummary :toctree: generated (currentmodule torch.nn.functional)",
    ),
    "torch.nn.functional.softplus": (
        "py:function",
        "generated/torch.nn.functional.softplus.html#torch.nn.functional.softplus",
        "docs/source/nn.functional.md: autosummary :toctree: generated (currentmodule torch.nn.functional)",
    ),
    "torch.nn.parallel.DistributedDataParallel": (
        "py:class",
        "generated/torch.nn.parallel.DistributedDataParallel.html#torch.nn.parallel.DistributedDataParallel",
        "docs/source/nn.md: autosummary :toctree: generated :template: classtemplate.rst 'nn.parallel.DistributedDataParallel' (currentmodule torch)",
    ),
    "torch.nn.parallel.DistributedDataParallel.no_sync": (
        "py:method",
        "generated/torch.nn.parallel.DistributedDataParallel.html#torch.nn.parallel.DistributedDataParallel.no_sync",
        "docs/source/nn.md: classtemplate.rst (':members:') puts methods on the class page; no separate autosummary entry",
    ),
    "torch.nn.parallel.DistributedDataParallel.register_comm_hook": (
        "py:method",
        "generated/torch.nn.parallel.DistributedDataParallel.html#torch.nn.parallel.DistributedDataParallel.register_comm_hook",
        "docs/source/nn.md: classtemplate.rst (':members:') -> on class page; ddp_comm_hooks.md only references it with {func} (no directive there)",
    ),
    "torch.inference_mode": (
        "py:class",
        "generated/torch.inference_mode.html#torch.inference_mode",
        "docs/source/torch.md: autosummary :toctree: generated (currentmodule torch) [Locally disabling gradient computation; object is a class (grad_mode.inference_mode)]",
    ),
    "torch.promote_types": (
        "py:function",
        "generated/torch.promote_types.html#torch.promote_types",
        "docs/source/torch.md: autosummary :toctree: generated (currentmodule torch) [Utilities]",
    ),
    "torch.view_as_real": (
        "py:function",
        "generated/torch.view_as_real.html#torch.view_as_real",
        "docs/source/torch.md: autosummary :toctree: generated (currentmodule torch) [Other Operations]",
    ),
    "torch.view_as_complex": (
        "py:function",
        "generated/torch.view_as_complex.html#torch.view_as_complex",
        "docs/source/torch.md: autosummary :toctree: generated (currentmodule torch) [Other Operations]",
    ),
    "torch.no_grad": (
        "py:class",
        "generated/torch.no_grad.html#torch.no_grad",
        "docs/source/torch.md: autosummary :toctree: generated (currentmodule torch) [Locally disabling gradient computation]; object is a class (grad_mode.no_grad)",
    ),
    "torch.ones": (
        "py:function",
        "generated/torch.ones.html#torch.ones",
        "docs/source/torch.md: autosummary :toctree: generated (currentmodule torch) [Creation Ops]",
    ),
    "torch.ones_like": (
        "py:function",
        "generated/torch.ones_like.html#torch.ones_like",
        "docs/source/torch.md: autosummary :toctree: generated (currentmodule torch) [Creation Ops]",
    ),
    "torch.optim.Optimizer.step": (
        "py:method",
        "generated/torch.optim.Optimizer.step.html#torch.optim.Optimizer.step",
        "docs/source/optim.md: autosummary :toctree: generated 'Optimizer.step'",
    ),
    "torch.optim.Optimizer.zero_grad": (
        "py:method",
        "generated/torch.optim.Optimizer.zero_grad.html#torch.optim.Optimizer.zero_grad",
        "docs/source/optim.md: '.. autoclass:: Optimizer' then autosummary :toctree: generated 'Optimizer.zero_grad'",
    ),
    "torch.optim.SGD": (
        "py:class",
        "generated/torch.optim.SGD.html#torch.optim.SGD",
        "docs/source/optim.md: autosummary :toctree: generated [Algorithms] (currentmodule torch.optim)",
    ),
    "torch.outer": (
        "py:function",
        "generated/torch.outer.html#torch.outer",
        "docs/source/torch.md: autosummary :toctree: generated (currentmodule torch) [BLAS and LAPACK Operations]",
    ),
    "torch.randn": (
        "py:function",
        "generated/torch.randn.html#torch.randn",
        "docs/source/torch.md: autosummary :toctree: generated (currentmodule torch) [Random sampling]",
    ),
    "torch.save": (
        "py:function",
        "generated/torch.save.html#torch.save",
        "docs/source/torch.md: autosummary :toctree: generated (currentmodule torch) [Serialization]",
    ),
    "torch.set_num_threads": (
        "py:function",
        "generated/torch.set_num_threads.html#torch.set_num_threads",
        "docs/source/torch.md: autosummary :toctree: generated (currentmodule torch) [Parallelism]",
    ),
    "torch.sigmoid": (
        "py:function",
        "generated/torch.sigmoid.html#torch.sigmoid",
        "docs/source/torch.md: autosummary :toctree: generated (currentmodule torch) [Pointwise Ops]",
    ),
    "torch.sin": (
        "py:function",
        "generated/torch.sin.html#torch.sin",
        "docs/source/torch.md: autosummary :toctree: generated (currentmodule torch) [Pointwise Ops]",
    ),
    "torch.softmax": (
        "py:function",
        "generated/torch.softmax.html#torch.softmax",
        "docs/source/torch.md: autosummary :toctree: generated (currentmodule torch) [Pointwise Ops, 'softmax'] in current torch.md. UNSURE for older stable releases: torch.softmax was historically undocumented and is absent from the old torch.rst lists",
    ),
    "torch.stack": (
        "py:function",
        "generated/torch.stack.html#torch.stack",
        "docs/source/torch.md: autosummary :toctree: generated (currentmodule torch) [Indexing, Slicing, Joining]",
    ),
    "torch.t": (
        "py:function",
        "generated/torch.t.html#torch.t",
        "docs/source/torch.md: autosummary :toctree: generated (currentmodule torch) [Indexing, Slicing, Joining]",
    ),
    "torch.tanh": (
        "py:function",
        "generated/torch.tanh.html#torch.tanh",
        "docs/source/torch.md: autosummary :toctree: generated (currentmodule torch) [Pointwise Ops]",
    ),
    "torch.tensor": (
        "py:function",
        "generated/torch.tensor.html#torch.tensor",
        "docs/source/torch.md: autosummary :toctree: generated (currentmodule torch) [Creation Ops]",
    ),
    "torch.testing.assert_close": (
        "py:function",
        "testing.html#torch.testing.assert_close",
        "docs/source/testing.md: '.. autofunction:: assert_close' (currentmodule torch.testing)",
    ),
    "torch.utils.benchmark.Timer": (
        "py:class",
        "benchmark_utils.html#torch.utils.benchmark.Timer",
        "docs/source/benchmark_utils.md: '.. autoclass:: Timer' :members: (currentmodule torch.utils.benchmark)",
    ),
    "torch.utils.checkpoint.checkpoint": (
        "py:function",
        "checkpoint.html#torch.utils.checkpoint.checkpoint",
        "docs/source/checkpoint.md: currentmodule torch.utils.checkpoint + '.. autofunction:: checkpoint' directly in page",
    ),
    "torch.vmap": (
        "py:function",
        "generated/torch.vmap.html#torch.vmap",
        "docs/source/torch.md: autosummary :toctree: generated (currentmodule torch) [Utilities]",
    ),
    "torch.zeros": (
        "py:function",
        "generated/torch.zeros.html#torch.zeros",
        "docs/source/torch.md: autosummary :toctree: generated (currentmodule torch) [Creation Ops]",
    ),
    "torch.zeros_like": (
        "py:function",
        "generated/torch.zeros_like.html#torch.zeros_like",
        "docs/source/torch.md: autosummary :toctree: generated (currentmodule torch) [Creation Ops]",
    ),
}

PYTHON: dict[str, tuple[str, str, str]] = {
    "None": (
        "py:data",
        "library/constants.html#None",
        "Doc/library/constants.rst: '.. data:: None'",
    ),
    "RuntimeError": (
        "py:exception",
        "library/exceptions.html#RuntimeError",
        "Doc/library/exceptions.rst: '.. exception:: RuntimeError'",
    ),
    "TypeError": (
        "py:exception",
        "library/exceptions.html#TypeError",
        "Doc/library/exceptions.rst: '.. exception:: TypeError'",
    ),
    "ValueError": (
        "py:exception",
        "library/exceptions.html#ValueError",
        "Doc/library/exceptions.rst: '.. exception:: ValueError'",
    ),
    "bool": (
        "py:class",
        "library/functions.html#bool",
        "Doc/library/functions.rst: '.. class:: bool(object=False, /)' (indexed; stdtypes 'Boolean Type' section has no class directive)",
    ),
    "callable": (
        "py:function",
        "library/functions.html#callable",
        "Doc/library/functions.rst: '.. function:: callable(object)'",
    ),
    "collections.abc.Callable": (
        "py:class",
        "library/collections.abc.html#collections.abc.Callable",
        "Doc/library/collections.abc.rst: '.. class:: Callable'",
    ),
    "contextlib.suppress": (
        "py:function",
        "library/contextlib.html#contextlib.suppress",
        "Doc/library/contextlib.rst: '.. function:: suppress(*exceptions)'",
    ),
    "dict": (
        "py:class",
        "library/stdtypes.html#dict",
        "Doc/library/stdtypes.rst: '.. class:: dict(...)'; functions.rst entry (_func-dict) is :noindex:",
    ),
    "float": (
        "py:class",
        "library/functions.html#float",
        "Doc/library/functions.rst: '.. class:: float(...)' (indexed)",
    ),
    "gc.collect": (
        "py:function",
        "library/gc.html#gc.collect",
        "Doc/library/gc.rst: '.. function:: collect(generation=2)'",
    ),
    "int": (
        "py:class",
        "library/functions.html#int",
        "Doc/library/functions.rst: '.. class:: int(...)' (indexed; stdtypes.rst has no int class directive)",
    ),
    "list": (
        "py:class",
        "library/stdtypes.html#list",
        "Doc/library/stdtypes.rst: '.. class:: list(...)'; functions.rst entry (_func-list) is :noindex:",
    ),
    "statistics.median": (
        "py:function",
        "library/statistics.html#statistics.median",
        "Doc/library/statistics.rst: '.. function:: median(data)'",
    ),
    "str": (
        "py:class",
        "library/stdtypes.html#str",
        "Doc/library/stdtypes.rst: '.. class:: str(...)'; functions.rst entry (_func-str) is :noindex:",
    ),
    "subprocess.run": (
        "py:function",
        "library/subprocess.html#subprocess.run",
        "Doc/library/subprocess.rst: '.. function:: run(args, *, ...)'",
    ),
    "sys.executable": (
        "py:data",
        "library/sys.html#sys.executable",
        "Doc/library/sys.rst: '.. data:: executable'",
    ),
    "tempfile.TemporaryDirectory": (
        "py:class",
        "library/tempfile.html#tempfile.TemporaryDirectory",
        "Doc/library/tempfile.rst: '.. class:: TemporaryDirectory(...)'",
    ),
    "time.perf_counter": (
        "py:function",
        "library/time.html#time.perf_counter",
        "Doc/library/time.rst: '.. function:: perf_counter() -> float'",
    ),
    "tuple": (
        "py:class",
        "library/stdtypes.html#tuple",
        "Doc/library/stdtypes.rst: '.. class:: tuple(...)'; functions.rst entry (_func-tuple) is :noindex:",
    ),
    "typing.Any": (
        "py:data",
        "library/typing.html#typing.Any",
        "Doc/library/typing.rst: '.. data:: Any'",
    ),
    "typing.Callable": (
        "py:data",
        "library/typing.html#typing.Callable",
        "Doc/library/typing.rst: '.. data:: Callable' (deprecated alias section; rendered 3.14 page shows no 'class' prefix, unlike neighbouring .. class:: aliases)",
    ),
    "warnings.catch_warnings": (
        "py:class",
        "library/warnings.html#warnings.catch_warnings",
        "Doc/library/warnings.rst: '.. class:: catch_warnings(*, record=False, ...)'",
    ),
    "weakref.finalize": (
        "py:class",
        "library/weakref.html#weakref.finalize",
        "Doc/library/weakref.rst: '.. class:: finalize(obj, func, /, *args, **kwargs)'",
    ),
    "weakref.ref": (
        "py:class",
        "library/weakref.html#weakref.ref",
        "Doc/library/weakref.rst: '.. class:: ref(object[, callback])'",
    ),
}

MATPLOTLIB: dict[str, tuple[str, str, str]] = {
    "matplotlib.axes.Axes": (
        "py:class",
        "api/_as_gen/matplotlib.axes.Axes.html#matplotlib.axes.Axes",
        "doc/api/axes_api.rst: autosummary :toctree: _as_gen :template: autosummary_class_only.rst 'Axes' (own generated page; before ~3.7 it was '.. autoclass:: Axes' in axes_api.html)",
    ),
    "matplotlib.axes.Axes.annotate": (
        "py:method",
        "api/_as_gen/matplotlib.axes.Axes.annotate.html#matplotlib.axes.Axes.annotate",
        "doc/api/axes_api.rst: autosummary :toctree: _as_gen :template: autosummary.rst -> automethod [Text and annotations]",
    ),
    "matplotlib.axes.Axes.axhline": (
        "py:method",
        "api/_as_gen/matplotlib.axes.Axes.axhline.html#matplotlib.axes.Axes.axhline",
        "doc/api/axes_api.rst: autosummary :toctree: _as_gen :template: autosummary.rst -> automethod [Spans]",
    ),
    "matplotlib.axes.Axes.axvline": (
        "py:method",
        "api/_as_gen/matplotlib.axes.Axes.axvline.html#matplotlib.axes.Axes.axvline",
        "doc/api/axes_api.rst: autosummary :toctree: _as_gen :template: autosummary.rst -> automethod [Spans]",
    ),
    "matplotlib.axes.Axes.bar": (
        "py:method",
        "api/_as_gen/matplotlib.axes.Axes.bar.html#matplotlib.axes.Axes.bar",
        "doc/api/axes_api.rst: autosummary :toctree: _as_gen :template: autosummary.rst -> automethod [Basic]",
    ),
    "matplotlib.axes.Axes.imshow": (
        "py:method",
        "api/_as_gen/matplotlib.axes.Axes.imshow.html#matplotlib.axes.Axes.imshow",
        "doc/api/axes_api.rst: autosummary :toctree: _as_gen :template: autosummary.rst -> automethod [2D arrays]",
    ),
    "matplotlib.axes.Axes.invert_xaxis": (
        "py:method",
        "api/_as_gen/matplotlib.axes.Axes.invert_xaxis.html#matplotlib.axes.Axes.invert_xaxis",
        "doc/api/axes_api.rst: autosummary :toctree: _as_gen :template: autosummary.rst -> automethod [Axis limits and direction]",
    ),
    "matplotlib.axes.Axes.legend": (
        "py:method",
        "api/_as_gen/matplotlib.axes.Axes.legend.html#matplotlib.axes.Axes.legend",
        "doc/api/axes_api.rst: autosummary :toctree: _as_gen :template: autosummary.rst -> automethod [Axis labels, title, and legend]",
    ),
    "matplotlib.axes.Axes.loglog": (
        "py:method",
        "api/_as_gen/matplotlib.axes.Axes.loglog.html#matplotlib.axes.Axes.loglog",
        "doc/api/axes_api.rst: autosummary :toctree: _as_gen :template: autosummary.rst -> automethod [Basic]",
    ),
    "matplotlib.axes.Axes.plot": (
        "py:method",
        "api/_as_gen/matplotlib.axes.Axes.plot.html#matplotlib.axes.Axes.plot",
        "doc/api/axes_api.rst: autosummary :toctree: _as_gen :template: autosummary.rst -> automethod [Basic]",
    ),
    "matplotlib.axes.Axes.semilogy": (
        "py:method",
        "api/_as_gen/matplotlib.axes.Axes.semilogy.html#matplotlib.axes.Axes.semilogy",
        "doc/api/axes_api.rst: autosummary :toctree: _as_gen :template: autosummary.rst -> automethod [Basic]",
    ),
    "matplotlib.axes.Axes.set": (
        "py:method",
        "api/_as_gen/matplotlib.axes.Axes.set.html#matplotlib.axes.Axes.set",
        "doc/api/axes_api.rst: autosummary :toctree: _as_gen :template: autosummary.rst -> automethod [Other]",
    ),
    "matplotlib.axes.Axes.set_title": (
        "py:method",
        "api/_as_gen/matplotlib.axes.Axes.set_title.html#matplotlib.axes.Axes.set_title",
        "doc/api/axes_api.rst: autosummary :toctree: _as_gen :template: autosummary.rst -> automethod [Axis labels, title, and legend]",
    ),
    "matplotlib.axes.Axes.set_xlabel": (
        "py:method",
        "api/_as_gen/matplotlib.axes.Axes.set_xlabel.html#matplotlib.axes.Axes.set_xlabel",
        "doc/api/axes_api.rst: autosummary :toctree: _as_gen :template: autosummary.rst -> automethod [Axis labels, title, and legend]",
    ),
    "matplotlib.axes.Axes.set_xticks": (
        "py:method",
        "api/_as_gen/matplotlib.axes.Axes.set_xticks.html#matplotlib.axes.Axes.set_xticks",
        "doc/api/axes_api.rst: autosummary :toctree: _as_gen :template: autosummary.rst -> automethod [Ticks and tick labels]",
    ),
    "matplotlib.axes.Axes.set_ylabel": (
        "py:method",
        "api/_as_gen/matplotlib.axes.Axes.set_ylabel.html#matplotlib.axes.Axes.set_ylabel",
        "doc/api/axes_api.rst: autosummary :toctree: _as_gen :template: autosummary.rst -> automethod [Axis labels, title, and legend]",
    ),
    "matplotlib.axes.Axes.set_ylim": (
        "py:method",
        "api/_as_gen/matplotlib.axes.Axes.set_ylim.html#matplotlib.axes.Axes.set_ylim",
        "doc/api/axes_api.rst: autosummary :toctree: _as_gen :template: autosummary.rst -> automethod [Axis limits and direction]",
    ),
    "matplotlib.axes.Axes.set_yticks": (
        "py:method",
        "api/_as_gen/matplotlib.axes.Axes.set_yticks.html#matplotlib.axes.Axes.set_yticks",
        "doc/api/axes_api.rst: autosummary :toctree: _as_gen :template: autosummary.rst -> automethod [Ticks and tick labels]",
    ),
    "matplotlib.axes.Axes.text": (
        "py:method",
        "api/_as_gen/matplotlib.axes.Axes.text.html#matplotlib.axes.Axes.text",
        "doc/api/axes_api.rst: autosummary :toctree: _as_gen :template: autosummary.rst -> automethod [Text and annotations]",
    ),
    "matplotlib.figure.Figure": (
        "py:class",
        "api/_as_gen/matplotlib.figure.Figure.html#matplotlib.figure.Figure",
        "doc/api/figure_api.rst: autosummary :toctree: _as_gen 'Figure' (own generated page)",
    ),
    "matplotlib.figure.Figure.colorbar": (
        "py:method",
        "api/_as_gen/matplotlib.figure.Figure.colorbar.html#matplotlib.figure.Figure.colorbar",
        "doc/api/figure_api.rst: autosummary :toctree: _as_gen (Figure methods listed individually in current figure_api.rst; stored copy is older, but stable pages api/_as_gen/matplotlib.figure.Figure.<m>.html confirmed)",
    ),
    "matplotlib.figure.Figure.suptitle": (
        "py:method",
        "api/_as_gen/matplotlib.figure.Figure.suptitle.html#matplotlib.figure.Figure.suptitle",
        "doc/api/figure_api.rst: autosummary :toctree: _as_gen (Figure methods listed individually in current figure_api.rst; stored copy is older, but stable pages api/_as_gen/matplotlib.figure.Figure.<m>.html confirmed)",
    ),
    "matplotlib.pyplot.figure": (
        "py:function",
        "api/_as_gen/matplotlib.pyplot.figure.html#matplotlib.pyplot.figure",
        "doc/api/pyplot_summary.rst: autosummary :toctree: _as_gen :template: autosummary.rst -> autofunction [Managing Figure and Axes]",
    ),
    "matplotlib.pyplot.show": (
        "py:function",
        "api/_as_gen/matplotlib.pyplot.show.html#matplotlib.pyplot.show",
        "doc/api/pyplot_summary.rst: autosummary :toctree: _as_gen :template: autosummary.rst -> autofunction [Output]",
    ),
    "matplotlib.pyplot.subplots": (
        "py:function",
        "api/_as_gen/matplotlib.pyplot.subplots.html#matplotlib.pyplot.subplots",
        "doc/api/pyplot_summary.rst: autosummary :toctree: _as_gen :template: autosummary.rst -> autofunction [Managing Figure and Axes]",
    ),
    "matplotlib.use": (
        "py:function",
        "api/matplotlib_configuration_api.html#matplotlib.use",
        "doc/api/matplotlib_configuration_api.rst: '.. autofunction:: use' (older: automodule matplotlib :members: ... use) directly in page; no generated page",
    ),
}

#: Objects their project does not document on any page: never linked.
UNDOCUMENTED: dict[str, str] = {
    "torch.autograd.Function.setup_context": "docs/source/autograd.md (and older autograd.rst): '.. autoclass:: Function' has no :members:, and the autosummary :toctree: generated under it lists only Function.forward/backward/jvp/vmap; no other directive defines it (only :meth: references in the forward docstring and notes/extending*). Nearest targets: generated/torch.autograd.Function.forward.html#torch.autograd.Function.forward (forward docstring explains setup_context) or autograd.html#torch.autograd.Function.",
    "torch.distributed.destroy_process_group": "docs/source/distributed.md: the 'Shutdown' section mentions {func}`destroy_process_group` but there is no autofunction/py:function for it anywhere in docs/source (conf.py even lists it in coverage_ignore_functions for torch.distributed.distributed_c10d). Nearest target: the 'Shutdown' section, distributed.html#shutdown.",
    "torch.utils.flop_counter.FlopCounterMode": "No autoclass/autosummary anywhere in docs/source; docs/source/utils.md only has '.. py:module:: torch.utils.flop_counter' (tracking entry, no members). Nearest target: utils.html#module-torch.utils.flop_counter (py:module).",
}
