"""PyTorch's own tests of jacobian, jacrev, jacfwd and hessian, ported to jacdoc.jacobian.

Sources, in pytorch/pytorch: ``test/autograd/test_functional.py`` (TestAutogradFunctional,
TestAutogradFunctionalDeviceType) and ``test/functorch/test_eager_transforms.py`` (TestJac,
TestHessian, and the Jacobian tests of TestGradTransform, TestComposability,
TestExamplesCorrectness and TestCompileTransforms; TestJvp has none). Every test function there
that concerns a Jacobian or a Hessian is ported here, its origin in the case's id or docstring,
or listed in NOT_APPLICABLE with the reason. Where a ported test has a part that does not apply,
that part is listed as ``file::Class::test[part]``.

How a PyTorch case becomes a call of ``jacdoc.jacobian(f, x, mode=...)``:

* ``jacrev``, ``jacfwd``, ``vectorize=True|False`` and ``strategy=...`` all become the three
  modes: every case runs in each of them, with ``x.requires_grad`` off and on.
* ``create_graph=True`` becomes ``x.requires_grad=True``: jacdoc's result is then differentiable.
  With ``x.requires_grad`` on, every case also checks the vector-Jacobian product of the result
  against the same computation built on ``torch.autograd.functional`` with ``create_graph=True``
  (or on ``torch.func``); with it off, it checks that the result is detached. Where PyTorch's
  gradcheck makes every input require grad, so do the inputs that the port holds fixed.
* A function of several inputs, or with several outputs, becomes its blocks: output k as a
  function of input i alone, the other inputs held fixed by closure. The expected block is block
  ``[k][i]`` of ``torch.autograd.functional.jacobian`` (or the analytic value the test asserts).
* ``hessian(f)`` becomes ``jacdoc.jacobian(lambda y: jacdoc.jacobian(f, y, mode=inner), x,
  mode=outer)`` in all nine pairs of modes. Block ``[i][j]`` of a Hessian of several inputs is
  the outer Jacobian with respect to input j of the inner one with respect to input i; for
  ``i != j`` the inner function closes over the outer variable.
* An expected value never comes from jacdoc: it is the analytic value the PyTorch test asserts,
  or the reference the test uses (``torch.autograd.functional`` or ``torch.func``). Where
  PyTorch's own answers differ between forward and reverse mode, jacdoc documents one answer
  for every mode, and the port holds every mode to it: what ``f`` computes under
  ``torch.no_grad`` is a constant (reverse mode's answer, the one PyTorch's test asserts), and
  ``J``'s dtype is ``torch.promote_types(f(x).dtype, x.dtype)`` (reverse mode gives x's dtype,
  forward mode the output's; the values agree).
* An error that PyTorch checks becomes a check that jacdoc raises a TypeError or ValueError that
  names the argument; torch's own messages are not required.
* A few cases add a variant that is not in PyTorch's test, marked "tall": the same function on a
  map with enough rows, compared with its columns, that ``mode="auto"`` builds columns (and
  one marked "tiny", in test_chunk_jacrev_chunksize_one).

The cases of a table (JACOBIAN_CASES, HESSIAN_CASES, and the parts of a few tests) run in one
test per mode, or pair of modes, and value of ``x.requires_grad``: one test a case would cost
pytest more time than the cases themselves. Such a test runs every case and, if any fails,
fails once, naming each failing case's origin and how it failed. The expected values and the
references' derivatives are computed once a case, whatever the mode.
"""

from __future__ import annotations

import functools
import warnings
from functools import partial

import pytest
import torch
import torch.autograd.functional as autogradF
from torch import nn

import jacdoc
import jacdoc.autodiff

pytestmark = [
    # torch's forward-mode AD scripts its jvp decompositions with torch.jit.script on first
    # use, which torch itself deprecates: pyproject.toml ignores it; so does this file, which
    # runs under -W error too.
    pytest.mark.filterwarnings("ignore:`torch.jit.script` is deprecated:DeprecationWarning:torch"),
    # torch.vmap of torch.take (TestJac::test_take, in forward mode) runs torch's slow
    # fallback and says so; torch.func.jacfwd does the same. A note on speed, not on values.
    pytest.mark.filterwarnings(
        "ignore:There is a performance drop because we have not yet implemented the batching "
        "rule for aten..take:UserWarning"
    ),
]

TF = "test_functional.py::TestAutogradFunctional::"
TFD = "test_functional.py::TestAutogradFunctionalDeviceType::"
TJ = "test_eager_transforms.py::TestJac::"
TH = "test_eager_transforms.py::TestHessian::"
TG = "test_eager_transforms.py::TestGradTransform::"
TC = "test_eager_transforms.py::TestComposability::"
TE = "test_eager_transforms.py::TestExamplesCorrectness::"
TCT = "test_eager_transforms.py::TestCompileTransforms::"

_TUPLES = "the tuple layout of a result for several inputs or outputs: jacdoc takes one tensor "
_TUPLES += "and returns one; each block is ported as its own case"
_ARGNUMS = "argnums: jacdoc differentiates its one argument; the value is ported by closure"
_VJP_ONLY = "tests vjp, jvp, vhp or hvp alone: no Jacobian or Hessian is built"
_STRICT = "strict=True: jacdoc has no strict option (the strict=False halves are ported)"
_NO_CREATE_GRAPH = (
    "create_graph=True under torch.no_grad: jacdoc has no create_graph option, and under "
    "torch.no_grad it documents a detached result (asserted in the port)"
)

NOT_APPLICABLE = {
    # test_functional.py: tests of the other functional APIs.
    **{
        f"{TF}test_{api}_{what}": _VJP_ONLY
        for api in ("vjp", "jvp", "vhp", "hvp")
        for what in ("err_check", "err_check_strict", "no_grad", "output", "scalar", "create_graph")
    },
    TF + "test_construct_standard_basis_for": "tests a private helper of torch.autograd.functional",
    TFD
    + "test_construct_standard_basis_for": "tests a private helper of torch.autograd.functional",
    TF + "*[ctors=logging_tensor]": (
        "the LoggingTensor subtests: a tensor subclass private to torch's test suite, which "
        "torch.vmap does not support; every base_tensor subtest is ported"
    ),
    TF + "test_jacobian_err_check_strict_vectorize": "strict=True with vectorize=True: no strict",
    TF + "test_hessian_err_check_strict_vectorize": "strict=True with vectorize=True: no strict",
    TF + "test_jacobian_err_check_strict[strict=True]": _STRICT,
    TF + "test_hessian_err_check_strict[strict=True]": _STRICT,
    TF + "test_jacobian_no_grad[create_graph=True]": _NO_CREATE_GRAPH,
    TF + "test_hessian_no_grad[create_graph=True]": _NO_CREATE_GRAPH,
    TF + "test_hessian_err_check[bar2: output of several elements]": (
        "hessian's single-element check: jacdoc has no hessian function, and a nested call "
        "accepts any output shape (TestJac::test_hessian_simple ports a vector output)"
    ),
    TF + "test_jacobian_err_check[tuple layout]": _TUPLES,
    TF + "test_jacobian_output[tuple layout]": _TUPLES,
    TF + "test_jacobian_create_graph[tuple layout]": _TUPLES,
    TF + "test_jacobian_vectorize_correctness_multi_input[tuple layout]": _TUPLES,
    TF + "test_jacobian_vectorize_correctness_multi_input_multi_output[tuple layout]": _TUPLES,
    TF + "test_jacobian_vectorize_correctness_unrelated_outputs[tuple layout]": _TUPLES,
    TF + "test_jacobian_vectorize_correctness_zero_dim[tuple layout]": _TUPLES,
    TF + "test_jacobian_vectorize_correctness_different_dtype[tuple layout]": _TUPLES,
    TF + "test_hessian_vectorize_correctness_multi_input[tuple layout]": _TUPLES,
    TF + "test_hessian_vectorize_correctness_unrelated_outputs[tuple layout]": _TUPLES,
    TF + "test_hessian_err_check[tuple layout]": _TUPLES,
    TF + "test_hessian_output[tuple layout]": _TUPLES,
    TF + "test_hessian_create_graph[tuple layout]": _TUPLES,
    TFD + "test_jacobian_vectorize_correctness_different_devices[accelerator]": (
        "needs a second device: its CPU analogue, (x * y).to('cpu'), is ported"
    ),
    TFD + "test_jacobian_vectorize_correctness_different_devices[tuple layout]": _TUPLES,
    # test_eager_transforms.py
    TJ + "test_aux_tensor": "has_aux: jacdoc's f returns one tensor",
    TJ + "test_aux_pytree": "has_aux: jacdoc's f returns one tensor",
    TJ + "test_outputs_can_any_pytree[list and dict outputs]": (
        "a list or dict output is a result in PyTorch; jacdoc's f returns one tensor (the "
        "non-tensor outputs that PyTorch rejects are ported as errors)"
    ),
    TJ + "test_empty_argnums": "argnums validation: jacdoc has no argnums",
    TJ + "test_out_of_bounds_argnums": "argnums validation: jacdoc has no argnums",
    TJ + "test_negative_argnums": "argnums validation: jacdoc has no argnums",
    TJ + "test_repeated_argnums": "argnums validation: jacdoc has no argnums",
    TJ + "test_float_argnums": "argnums validation: jacdoc has no argnums",
    TJ + "test_multiple_args[argnums=1]": _ARGNUMS,
    TJ + "test_argnums_tuple[argnums=(0, 1)]": _ARGNUMS,
    TJ + "test_argnums_effect_on_return[tuple or tensor return]": _ARGNUMS,
    TJ + "test_argnums_defaults_to_zero[argnums default]": _ARGNUMS,
    TJ + "test_multiple_outputs_multiple_argnums[tuple layout]": _TUPLES,
    TJ + "test_multiple_outputs_single_argnums[tuple layout]": _TUPLES,
    TJ + "test_multiple_outputs_pytree[dict layout]": _TUPLES,
    TJ + "test_multiple_inputs_pytree[tuple layout]": _TUPLES,
    TJ + "test_multiple_inputs_outputs_pytree[tuple and dict layout]": _TUPLES,
    TJ + "test_multiple_inputs_outputs_pytree_multidim[dict layout]": _TUPLES,
    TJ + "test_unrelated_input[tuple layout]": _TUPLES,
    TJ + "test_inplace[argnums over a mutated argument]": (
        "the tensor that f mutates is an argument in PyTorch; in the port it is created inside "
        "f, since torch.func rejects mutating a tensor that f closes over"
    ),
    TJ + "test_against_reference_multi_input[tuple layout]": _TUPLES,
    TJ + "test_against_reference_multi_input_multi_output[tuple layout]": _TUPLES,
    TJ + "test_against_reference_unrelated_outputs[tuple layout]": _TUPLES,
    TJ + "test_against_reference_zero_dim[tuple layout]": _TUPLES,
    TJ + "test_against_reference_correctness_different_devices[accelerator]": (
        "needs a second device: its CPU analogue is ported"
    ),
    TJ + "test_against_reference_default_arg[tuple layout]": _TUPLES,
    TJ + "test_chunk_jacrev[chunk_size errors and _preallocate_and_copy]": (
        "jacdoc has no chunk_size or _preallocate_and_copy argument; the chunk sizes themselves "
        "are ported by patching jacdoc.autodiff.chunk_size and MIN_CHUNK_ELEMENTS"
    ),
    TJ + "test_chunk_jacrev_composition[_preallocate_and_copy]": (
        "jacdoc has no _preallocate_and_copy argument; chunk_size=3 is ported by patching"
    ),
    TJ + "test_chunk_jacrev_chunksize_one[chunk_size=2 must fail]": (
        "PyTorch asserts that vmap fails on a dynamic-shape backward with chunk_size=2; jacdoc "
        "has no chunk_size, and which of its paths vmap is internal"
    ),
    TJ + "test_complex_error[C -> C]": "complex input: covered by tests/test_complex.py",
    TJ + "test_complex_error[R -> C]": (
        "complex output: jacdoc differentiates it as its real view instead of raising; "
        "covered by tests/test_complex.py"
    ),
    TH + "test_hessian_vectorize_correctness_multi_input[tuple layout]": _TUPLES,
    TH + "test_hessian_vectorize_correctness_unrelated_outputs[tuple layout]": _TUPLES,
    TH + "test_jacfwd_different_levels[argnums]": _ARGNUMS,
    TC + "test_deprecation_transforms[jacrev, jacfwd, hessian]": (
        "functorch's deprecated aliases and their FutureWarning: nothing of jacdoc's"
    ),
    TC + "test_make_fx_jacrev": (
        "not run here, for time: make_fx's first trace costs over 5 s on the 2-core machine, "
        "nested Jacobians 0.2 to 3 s more a pair of modes. Checked by hand with torch 2.13: in "
        "all nine pairs, x.requires_grad off and on, the trace of the nested jacdoc.jacobian "
        "run on a new input gives torch.func.hessian's value"
    ),
    TCT + "test_compile_vmap_hessian": (
        "has_aux and argnums over a dict of module parameters, under torch.compile"
    ),
}

MODES = ("auto", "reverse", "forward")
PAIRS = [(inner, outer) for outer in MODES for inner in MODES]

each_mode = pytest.mark.parametrize("mode", MODES)
each_pair = pytest.mark.parametrize(
    ("inner", "outer"), PAIRS, ids=[f"{inner}-inside-{outer}" for inner, outer in PAIRS]
)
with_and_without_grad = pytest.mark.parametrize(
    "requires_grad", [False, True], ids=["x", "x_requires_grad"]
)


def test_not_applicable_entries_have_reasons():
    assert NOT_APPLICABLE
    for key, reason in NOT_APPLICABLE.items():
        assert key.startswith(("test_functional.py::", "test_eager_transforms.py::")), key
        assert isinstance(reason, str), key
        assert reason.strip(), key


# --- Helpers -----------------------------------------------------------------------------------


def randn(*shape, seed=0, dtype=torch.float32):
    return torch.randn(shape, generator=torch.Generator().manual_seed(seed), dtype=dtype)


def rand(*shape, seed=0, dtype=torch.float32):
    return torch.rand(shape, generator=torch.Generator().manual_seed(seed), dtype=dtype)


def by_jacdoc(mode):
    def jacobian(f, x):
        return jacdoc.jacobian(f, x, mode=mode)

    return jacobian


def by_autograd(f, x):
    """The reference Jacobian: plain autograd, differentiable (create_graph=True)."""
    return autogradF.jacobian(f, x, create_graph=True)


def block(F, inputs, k, i):
    """Output k of F as a function of input i alone; the other inputs are held fixed."""

    def f(x):
        args = list(inputs)
        args[i] = x
        out = F(*args)
        return out if isinstance(out, torch.Tensor) else out[k]

    return f


def second_derivative(F, inputs, i, j, *, inner, outer):
    """x_j -> d/dx_j (dF/dx_i), block [i][j] of torch.autograd.functional.hessian.

    ``inner`` and ``outer`` take ``(f, x)`` and return the Jacobian of ``f`` at ``x``. For
    ``i != j`` the inner function closes over x_j, the outer variable.
    """

    def along_i(xj):
        def f(xi):
            args = list(inputs)
            args[j] = xj
            args[i] = xi
            return F(*args)

        return inner(f, xj if i == j else inputs[i])

    def hessian_block(xj):
        return outer(along_i, xj)

    return hessian_block


def pullback(out, x, w):
    """w · d out / d x; zeros where ``out`` does not depend on ``x`` at all."""
    if not out.requires_grad:
        return torch.zeros_like(x)
    (grad,) = torch.autograd.grad(
        out, x, w.to(out.dtype), allow_unused=True, materialize_grads=True
    )
    return grad


class Reference:
    """The computation under test built on plain autograd or torch.func instead of jacdoc. Its
    VJP with the fixed weights is computed once, however many modes are checked against it."""

    def __init__(self, fn):
        self.fn = fn
        self._grad = None

    def pullback(self, x, w):
        if self._grad is None:
            y = x.detach().clone().requires_grad_(True)
            self._grad = pullback(self.fn(y), y, w)
        return self._grad


def check_grad(got, x, reference):
    """With ``x`` requiring grad, ``got`` (computed from ``x`` by jacdoc) is differentiable: its
    VJP with a fixed random vector equals that of ``reference`` (a function or a
    :class:`Reference`). Without, ``got`` is detached."""
    if not x.requires_grad:
        assert got.grad_fn is None
        return
    w = torch.randn(got.shape, generator=torch.Generator().manual_seed(1), dtype=torch.float64)
    reference = reference if isinstance(reference, Reference) else Reference(reference)
    torch.testing.assert_close(pullback(got, x, w), reference.pullback(x, w))


def check(ours, x, expected, requires_grad, reference):
    """``ours(x)`` equals ``expected`` in shape, dtype and value, and is differentiable as
    ``reference`` is when ``x`` requires grad (see :func:`check_grad`)."""
    x = x.detach().clone().requires_grad_(requires_grad)
    got = ours(x)
    torch.testing.assert_close(got, expected)
    check_grad(got, x, reference)


class Case:
    """One case of a table: its origin, and ``make()``, called once, giving what it needs."""

    def __init__(self, origin, make):
        self.origin = origin
        self._make = make

    @functools.cached_property
    def parts(self):
        return self._make()


def run_cases(cases, run):
    """``run(case)`` for every case; then fail once, naming each case that failed, and how."""
    failures = []
    for case in cases:
        try:
            run(case)
        except Exception as exc:  # noqa: BLE001 - every case runs; each failure is named below
            message = "\n      ".join(str(exc).strip().splitlines()[:6])
            failures.append(f"{case.origin}\n    {type(exc).__name__}: {message}")
    if failures:
        summary = f"{len(failures)} of {len(cases)} cases failed:\n"
        pytest.fail(summary + "\n".join(failures), pytrace=False)


def jacobian_blocks(F, inputs):
    """Block [k][i] of torch.autograd.functional.jacobian: output k, input i."""
    res = autogradF.jacobian(F, tuple(inputs))
    if isinstance(F(*inputs), torch.Tensor):
        return [list(res)]
    return [list(row) for row in res]


# --- First derivatives: one table, every case in every mode, x.requires_grad off and on -------

JACOBIAN_CASES: list[Case] = []


def jacobian_case(origin, n_out=1, n_in=1):
    """Register ``make() -> (F, inputs, expected)``: F takes ``n_in`` tensors and returns one
    tensor, or ``n_out`` of them; ``expected[k][i]`` is block [k][i] (a bare tensor when
    there is one block), or None for torch.autograd.functional.jacobian's."""

    def register(make):
        @functools.cache
        def shared():
            F, inputs, expected = make()
            if expected is None:
                expected = jacobian_blocks(F, inputs)
            elif isinstance(expected, torch.Tensor):
                expected = [[expected]]
            return F, inputs, expected

        for k in range(n_out):
            for i in range(n_in):

                def case(k=k, i=i):
                    F, inputs, expected = shared()
                    f = block(F, inputs, k, i)
                    return f, inputs[i], expected[k][i], Reference(partial(by_autograd, f))

                name = origin if n_out == n_in == 1 else f"{origin}/out{k}-in{i}"
                JACOBIAN_CASES.append(Case(name, case))
        return make

    return register


@jacobian_case(TF + "test_jacobian_err_check")
def _err_check():
    return (lambda a: 3 * a.narrow(0, 0, 3)), (rand(4),), 3 * torch.eye(3, 4)


@jacobian_case(TF + "test_jacobian_err_check/foo(a,b)", n_out=2, n_in=2)
def _err_check_two():
    return (lambda a, b: (b, 3 * a.narrow(0, 0, 3))), (rand(4), rand(5, seed=1)), None


@jacobian_case(TF + "test_jacobian_err_check_strict/a.detach")
def _strict_detach():
    return (lambda a: a.detach()), (rand(4),), torch.zeros(4, 4)


@jacobian_case(TF + "test_jacobian_err_check_strict/unconnected-requires_grad_")
def _strict_unconnected():
    # A non-leaf tensor that requires grad but is not connected to the input.
    return (lambda a: a.long().float().requires_grad_().clone()), (rand(4),), torch.zeros(4, 4)


@jacobian_case(TF + "test_jacobian_err_check_strict/a.clone")
def _strict_clone():
    return (lambda a: a.clone()), (rand(4),), torch.eye(4)


@jacobian_case(TF + "test_jacobian_output/exp_reducer")
def _output_exp_reducer():
    x = rand(4, 4)
    # d/dx_kl sum_l' exp(x_il') = δ_ik exp(x_kl)
    return (lambda x: x.exp().sum(dim=1)), (x,), torch.eye(4)[:, :, None] * x.exp()


@jacobian_case(TF + "test_jacobian_output/identity")
def _output_identity():
    return (lambda x: x.clone()), (rand(4),), torch.eye(4)


@jacobian_case(TF + "test_jacobian_output/add_exp_reducer", n_in=2)
def _output_add_exp_reducer():
    return (lambda x, y: (x + y.exp()).sum(dim=1)), (rand(4, 4), rand(4, 4, seed=1)), None


@jacobian_case(TF + "test_jacobian_scalar/reducer")
def _scalar_reducer():
    return (lambda x: x.sum()), (rand(4, 4),), torch.ones(4, 4)


@jacobian_case(TF + "test_jacobian_scalar/expander")
def _scalar_expander():
    return (lambda x: x.unsqueeze(0).repeat(4)), (rand(),), torch.ones(4)


@jacobian_case(
    TF + "test_jacobian_vectorize_correctness_simple+" + TJ + "test_against_reference_simple"
)
def _vectorize_simple():
    return (lambda x: 3 * x**2), (randn(2, 3, 5),), None


@jacobian_case(
    TF
    + "test_jacobian_vectorize_correctness_multi_input+"
    + TJ
    + "test_against_reference_multi_input",
    n_in=2,
)
def _vectorize_multi_input():
    return (lambda x, y: (x.cos() * x) @ y.sin()), (randn(2, 3), randn(3, 5, seed=1)), None


@jacobian_case(
    TF
    + "test_jacobian_vectorize_correctness_multi_input_multi_output+"
    + TJ
    + "test_against_reference_multi_input_multi_output",
    n_out=3,
    n_in=2,
)
def _vectorize_multi_input_multi_output():
    def f(x, y):
        return (x * x) @ y, x @ (x.sum(1) * y), y.sum()

    return f, (randn(5, 3), randn(3, 5, seed=1)), None


@jacobian_case(
    TF
    + "test_jacobian_vectorize_correctness_unrelated_outputs+"
    + TJ
    + "test_against_reference_unrelated_outputs",
    n_out=4,
    n_in=2,
)
def _vectorize_unrelated_outputs():
    return (lambda x, y: (x, y, x, y)), (randn(2), randn(3, seed=1)), None


ZERO_DIM = (
    TF + "test_jacobian_vectorize_correctness_zero_dim+" + TJ + "test_against_reference_zero_dim"
)


@jacobian_case(ZERO_DIM + "/zero-dim-output", n_out=3, n_in=2)
def _zero_dim_output():
    return (lambda x, y: (x.sum(), y.sum(), x * y)), (randn(3), randn(3, seed=1)), None


@jacobian_case(ZERO_DIM + "/zero-dim-input")
def _zero_dim_input():
    return (lambda x: torch.stack([x, x, x])), (randn(),), None


@jacobian_case(ZERO_DIM + "/mixed", n_out=2, n_in=2)
def _zero_dim_mixed():
    return (lambda x, y: (y.sum(), x * y)), (randn(), randn(1, seed=1)), None


@jacobian_case(
    TFD
    + "test_jacobian_vectorize_correctness_different_devices+"
    + TJ
    + "test_against_reference_correctness_different_devices/cpu",
    n_out=2,
    n_in=2,
)
def _different_devices():
    return (lambda x, y: (x * y, (x * y).to("cpu"))), (randn(3), randn(3, seed=1)), None


@jacobian_case(TJ + "test_against_reference_default_arg", n_in=2)
def _default_arg():
    def f(x, y, z=3.0):
        return x * y * z

    return f, (randn(3), randn(3, seed=1)), None


for _dtype in (torch.float32, torch.float64):

    @jacobian_case(f"{TJ}test_simple/{str(_dtype)[6:]}")
    def _simple(dtype=_dtype):
        x = randn(3, dtype=dtype)
        return torch.sin, (x,), torch.diagflat(x.cos())

    @jacobian_case(f"{TJ}test_simple_not_flat/{str(_dtype)[6:]}")
    def _simple_not_flat(dtype=_dtype):
        x = randn(2, 3, dtype=dtype)
        return torch.sin, (x,), torch.diagflat(x.view(-1).cos()).view(2, 3, 2, 3)


@jacobian_case(TJ + "test_take")
def _take():
    def func(x):
        return torch.take(x, torch.ones(3, dtype=torch.long))

    return func, (rand(5),), None


@jacobian_case(TJ + "test_diff_numel")
def _diff_numel():
    expected = torch.zeros(3, 1, 2, 4)
    expected[0, 0, 0, 1] = 1
    expected[1, 0, 0, 2] = 1
    expected[2, 0, 0, 3] = 1
    return (lambda x: x[0, 1:].unsqueeze(-1)), (randn(2, 4),), expected


@jacobian_case(TJ + "test_multiple_args")
def _multiple_args():
    x = randn(3)
    return (lambda y: torch.multiply(x, y)), (randn(3, seed=1),), torch.diagflat(x)


def _two_linear_maps(x, y):
    return 2 * x + 3 * y, 4 * x + 5 * y


def _diag(value):
    return torch.diagflat(torch.full((3,), float(value)))


@jacobian_case(TJ + "test_multiple_outputs_multiple_argnums", n_out=2, n_in=2)
def _multiple_outputs_multiple_argnums():
    expected = [[_diag(2), _diag(3)], [_diag(4), _diag(5)]]
    return _two_linear_maps, (randn(3), randn(3, seed=1)), expected


@jacobian_case(TJ + "test_multiple_outputs_single_argnums", n_out=2)
def _multiple_outputs_single_argnums():
    y = randn(3, seed=1)
    return (lambda x: _two_linear_maps(x, y)), (randn(3),), [[_diag(2)], [_diag(4)]]


@jacobian_case(TJ + "test_multiple_outputs_pytree", n_out=2, n_in=2)
def _multiple_outputs_pytree():
    def f(x, y):
        out = {"left": 2 * x + 3 * y, "right": 4 * x + 5 * y}
        return out["left"], out["right"]

    expected = [[_diag(2), _diag(3)], [_diag(4), _diag(5)]]
    return f, (randn(3), randn(3, seed=1)), expected


def _scalars(*values):
    return [torch.tensor(float(v)) for v in values]


@jacobian_case(TJ + "test_multiple_inputs_pytree", n_in=4)
def _multiple_inputs_pytree():
    def f(a, b, c):
        a0, a1 = a
        return a0 + a1 * 2 + b * 3 + c * 4

    x = randn()
    return (lambda a0, a1, b, c: f((a0, a1), b, c)), (x, x, x, x), [_scalars(1, 2, 3, 4)]


@jacobian_case(TJ + "test_dimensionality/zero-dim")
def _dimensionality_zero_dim():
    return (lambda x: x), (randn(),), torch.tensor(1.0)


@jacobian_case(TJ + "test_dimensionality/one-element")
def _dimensionality_one_element():
    return (lambda x: x), (randn(1),), torch.ones(1, 1)


@jacobian_case(TJ + "test_multiple_inputs_outputs_pytree", n_out=2, n_in=4)
def _multiple_inputs_outputs_pytree():
    def f(a, b, c):
        a0, a1 = a
        return a0 + a1 * 2, {"foo": b * 3 + c * 4}

    def flat(a0, a1, b, c):
        first, second = f((a0, a1), b, c)
        return first, second["foo"]

    x = randn()
    return flat, (x, x, x, x), [_scalars(1, 2, 0, 0), _scalars(0, 0, 3, 4)]


@jacobian_case(TJ + "test_multiple_inputs_outputs_pytree_multidim", n_out=2, n_in=2)
def _multiple_inputs_outputs_pytree_multidim():
    x = randn(3)
    zero = torch.zeros(3, 3)
    expected = [[x.cos().diagflat(), zero], [zero, -x.sin().diagflat()]]
    return (lambda a, b: (a.sin(), b.cos())), (x, x), expected


@jacobian_case(TJ + "test_unrelated_input", n_in=2)
def _unrelated_input():
    expected = [[torch.eye(6).view(2, 3, 2, 3), torch.zeros(2, 3, 2, 3)]]
    return (lambda x, y: x), (randn(2, 3), randn(2, 3, seed=1)), expected


@jacobian_case(TJ + "test_unrelated_output")
def _unrelated_output():
    y = randn(2, 3, seed=1)
    return (lambda x: y), (randn(2, 3),), torch.zeros(2, 3, 2, 3)


@jacobian_case(TJ + "test_argnums_tuple", n_in=2)
def _argnums_tuple():
    x, y = randn(3), randn(3, seed=1)
    return torch.multiply, (x, y), [[torch.diagflat(y), torch.diagflat(x)]]


@jacobian_case(TJ + "test_argnums_effect_on_return")
def _argnums_effect_on_return():
    y = randn(3, seed=1)
    return (lambda x: torch.multiply(x, y)), (randn(3),), torch.diagflat(y)


@jacobian_case(TJ + "test_argnums_defaults_to_zero")
def _argnums_defaults_to_zero():
    y = randn(3, seed=1)
    return (lambda x: x * 2 + y * 3), (randn(3),), _diag(2)


@jacobian_case(TJ + "test_inplace/copy_")
def _inplace_copy():
    def f(x, y):
        y.copy_(x)
        return y

    return (lambda x: f(x, torch.zeros_like(x))), (randn(2),), torch.eye(2)


@jacobian_case(TJ + "test_inplace/setitem", n_in=2)
def _inplace_setitem():
    x0 = randn(3, seed=2)

    def g(x, y, z):
        x[:2] = y
        return torch.vstack([(x**2).sum(), (z**3).sum()])

    def F(y, z):
        return g(y.new_zeros(3).copy_(x0), y, z)

    y, z = randn(2), randn(2, seed=1)
    expected_y, expected_z = torch.zeros(2, 1, 2), torch.zeros(2, 1, 2)
    expected_y[0][0] = 2 * y  # top left corner
    expected_z[1][0] = 3 * (z**2)  # bottom right corner
    return F, (y, z), [[expected_y, expected_z]]


@jacobian_case(TJ + "test_jac_with_non_tensor_args")
def _non_tensor_args():
    def f(t, int_x):
        return t + int_x

    return partial(f, int_x=3), (randn(3, 3),), None


@each_mode
@with_and_without_grad
def test_jacobian(mode, requires_grad):
    """Every case of JACOBIAN_CASES; a failure names each failing case's origin."""

    def run(case):
        f, x, expected, reference = case.parts
        check(partial(jacdoc.jacobian, f, mode=mode), x, expected, requires_grad, reference)

    run_cases(JACOBIAN_CASES, run)


# --- Second derivatives: one table, every case in all nine pairs of modes ---------------------

HESSIAN_CASES: list[Case] = []


def hessian_case(origin, n_in=1):
    """Register ``make() -> (F, inputs, expected)``: F takes ``n_in`` tensors; ``expected[i][j]``
    is block [i][j] (a bare tensor for one input), or None for torch.autograd.functional's."""

    def register(make):
        @functools.cache
        def shared():
            F, inputs, expected = make()
            if expected is None:
                expected = autogradF.hessian(F, tuple(inputs))
            elif isinstance(expected, torch.Tensor):
                expected = [[expected]]
            return F, inputs, expected

        for i in range(n_in):
            for j in range(n_in):

                def case(i=i, j=j):
                    F, inputs, expected = shared()
                    reference = second_derivative(
                        F, inputs, i, j, inner=by_autograd, outer=by_autograd
                    )
                    return F, inputs, i, j, expected[i][j], Reference(reference)

                name = origin if n_in == 1 else f"{origin}/d{i}-d{j}"
                HESSIAN_CASES.append(Case(name, case))
        return make

    return register


@hessian_case(
    TF
    + "test_hessian_vectorize_correctness_simple+"
    + TH
    + "test_hessian_vectorize_correctness_simple"
)
def _hessian_simple():
    return (lambda x: (3 * x**2).sum()), (randn(2, 3, 5),), None


@hessian_case(
    TF
    + "test_hessian_vectorize_correctness_multi_input+"
    + TH
    + "test_hessian_vectorize_correctness_multi_input",
    n_in=3,
)
def _hessian_multi_input():
    def f(x, y, z):
        return ((x.relu() * x) @ y.sin() @ z).sum()

    return f, (randn(2, 3), randn(3, 5, seed=1), randn(5, 5, seed=2)), None


UNRELATED = (
    TF
    + "test_hessian_vectorize_correctness_unrelated_outputs+"
    + TH
    + "test_hessian_vectorize_correctness_unrelated_outputs"
)


@hessian_case(UNRELATED + "/unrelated-to-one-input", n_in=2)
def _hessian_unrelated_to_one():
    return (lambda x, y: (x**2).sum()), (randn(2), randn(3, seed=1)), None


@hessian_case(UNRELATED + "/unrelated-to-all-inputs", n_in=2)
def _hessian_unrelated_to_all():
    return (lambda x, y: torch.ones([])), (randn(2), randn(3, seed=1)), None


@hessian_case(TF + "test_hessian_err_check/foo")
def _hessian_err_check():
    a = rand(4)
    expected = torch.diag(torch.cat([3 * a[:3].exp(), torch.zeros(1)]))
    return (lambda a: 3 * a.narrow(0, 0, 3).exp().sum()), (a,), expected


@hessian_case(TF + "test_hessian_err_check/foo(a,b)", n_in=2)
def _hessian_err_check_two():
    def foo(a, b):
        return (3 * b.narrow(0, 0, 3) * a.narrow(0, 0, 3)).sum()

    return foo, (rand(4), rand(5, seed=1)), None


@hessian_case(TF + "test_hessian_err_check_strict/a.detach")
def _hessian_strict_detach():
    return (lambda a: a.detach().sum()), (rand(4),), torch.zeros(4, 4)


@hessian_case(TF + "test_hessian_err_check_strict/unconnected-requires_grad_")
def _hessian_strict_unconnected():
    def bar(a):
        return a.long().float().requires_grad_().clone().sum()

    return bar, (rand(4),), torch.zeros(4, 4)


@hessian_case(TF + "test_hessian_err_check_strict/linear")
def _hessian_strict_linear():
    return (lambda a: (3 * a).sum()), (rand(4),), torch.zeros(4, 4)


@hessian_case(TF + "test_hessian_output/pow_reducer")
def _hessian_output():
    x = rand(2, 2)
    return (lambda x: x.pow(3).sum()), (x,), torch.diag(6 * x.reshape(-1)).reshape(2, 2, 2, 2)


@hessian_case(TF + "test_hessian_output/add_pow_reducer", n_in=2)
def _hessian_output_two():
    return (lambda x, y: (x + y).pow(3).sum()), (rand(2, 2), rand(2, 2, seed=1)), None


@hessian_case(TF + "test_hessian_scalar/reducer")
def _hessian_scalar():
    return (lambda x: x.sum()), (rand(4, 4),), None


@hessian_case(TF + "test_hessian_scalar/zero-dim")
def _hessian_scalar_zero_dim():
    return (lambda x: x.sum()), (rand(),), None


@hessian_case(TF + "test_hessian_scalar/bad_reducer")
def _hessian_scalar_bad_reducer():
    def bad_reducer(x):
        return x.sum().view(1, 1, 1)

    x = rand(4, 4)
    # torch's hessian drops the output's three unit dimensions; nested Jacobians keep them.
    expected = autogradF.hessian(bad_reducer, x).reshape(1, 1, 1, 4, 4, 4, 4)
    return bad_reducer, (x,), expected


@hessian_case(TJ + "test_nested_jac_simple")
def _nested_jac_simple():
    x = randn(3)
    return (lambda x: x.sin().sum()), (x,), torch.diagflat(-x.sin())


@hessian_case(TJ + "test_hessian_simple")
def _hessian_of_vector_function():
    x = randn(3)
    return torch.sin, (x,), torch.func.hessian(torch.sin)(x)


@hessian_case(TG + "test_unrelated_hessian")
def _unrelated_hessian():
    W = randn(5, 3, seed=1)
    return (lambda x: W @ x), (randn(3),), torch.zeros(5, 3, 3)


@each_pair
@with_and_without_grad
def test_hessian(inner, outer, requires_grad):
    """Every case of HESSIAN_CASES; a failure names each failing case's origin."""

    def run(case):
        F, inputs, i, j, expected, reference = case.parts
        ours = second_derivative(F, inputs, i, j, inner=by_jacdoc(inner), outer=by_jacdoc(outer))
        check(ours, inputs[j], expected, requires_grad, reference)

    run_cases(HESSIAN_CASES, run)


# --- Errors ------------------------------------------------------------------------------------


def _narrow3(a):
    return 3 * a.narrow(0, 0, 3)


ERRORS = [
    pytest.param(
        _narrow3, "tuple", r"x must be a torch\.Tensor", id=TF + "test_jacobian_err_check/(inp,2)"
    ),
    pytest.param(
        lambda a: (3 * a.narrow(0, 0, 3), "bar"),
        "tensor",
        r"f must return one torch\.Tensor",
        id=TF + "test_jacobian_err_check/bar",
    ),
    *[
        pytest.param(
            lambda _, out=out: out,
            "tensor",
            r"f must return one torch\.Tensor",
            id=f"{TJ}test_outputs_can_any_pytree/{out!r}",
        )
        for out in (None, (), 1, True, 12.2, "abc")
    ],
    pytest.param(
        lambda x: (), "tensor", r"f must return one torch\.Tensor", id=TJ + "test_empty_output"
    ),
]


def _bad_x(kind, requires_grad):
    inp = rand(4).requires_grad_(requires_grad)
    return (inp, 2) if kind == "tuple" else inp


@pytest.mark.parametrize(("f", "kind", "message"), ERRORS)
@each_mode
@with_and_without_grad
def test_jacobian_errors(f, kind, message, mode, requires_grad):
    with pytest.raises(TypeError, match=message):
        jacdoc.jacobian(f, _bad_x(kind, requires_grad), mode=mode)


HESSIAN_ERRORS = [
    pytest.param(
        lambda a: 3 * a.narrow(0, 0, 3).exp().sum(),
        "tuple",
        r"x must be a torch\.Tensor",
        id=TF + "test_hessian_err_check/(inp,2)",
    ),
    pytest.param(
        lambda a: (3 * a.narrow(0, 0, 3), "bar"),
        "tensor",
        r"f must return one torch\.Tensor",
        id=TF + "test_hessian_err_check/bar",
    ),
    pytest.param(
        lambda a: (3 * a.narrow(0, 0, 3), 3 * a.narrow(0, 0, 3)),
        "tensor",
        r"f must return one torch\.Tensor",
        id=TF + "test_hessian_err_check/bar3",
    ),
]


@pytest.mark.parametrize(("f", "kind", "message"), HESSIAN_ERRORS)
@each_pair
@with_and_without_grad
def test_hessian_errors(*, f, kind, message, inner, outer, requires_grad):
    def gradient(y):
        return jacdoc.jacobian(f, y, mode=inner)

    with pytest.raises(TypeError, match=message):
        jacdoc.jacobian(gradient, _bad_x(kind, requires_grad), mode=outer)


# --- test_functional.py: the tests with more than one value to check ---------------------------


def _no_warnings_from(call):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        # torch's own, on its first forward-mode AD call; pyproject.toml ignores it too.
        warnings.filterwarnings("ignore", "`torch.jit.script` is deprecated", DeprecationWarning)
        result = call()
    assert [str(w.message) for w in caught] == []
    return result


@each_mode
@with_and_without_grad
def test_jacobian_vectorize_raises_no_warnings(mode, requires_grad):
    """test_functional.py::TestAutogradFunctional::test_jacobian_vectorize_raises_no_warnings"""
    x = randn(3).requires_grad_(requires_grad)
    J = _no_warnings_from(lambda: jacdoc.jacobian(lambda a: (a**2).sum(), x, mode=mode))
    torch.testing.assert_close(J, 2 * x.detach())


@each_pair
@with_and_without_grad
def test_hessian_vectorize_raises_no_warnings(inner, outer, requires_grad):
    """test_functional.py::TestAutogradFunctional::test_hessian_vectorize_raises_no_warnings"""
    x = randn(3).requires_grad_(requires_grad)

    def gradient(y):
        return jacdoc.jacobian(lambda a: (a**2).sum(), y, mode=inner)

    H = _no_warnings_from(lambda: jacdoc.jacobian(gradient, x, mode=outer))
    torch.testing.assert_close(H, 2 * torch.eye(3))


@each_mode
@with_and_without_grad
def test_jacobian_no_grad(mode, requires_grad):
    """test_functional.py::TestAutogradFunctional::test_jacobian_no_grad"""
    x = rand(4, 4).requires_grad_(requires_grad)
    with torch.no_grad():
        J = jacdoc.jacobian(lambda x: x.exp().sum(dim=1), x, mode=mode)
    assert J.grad_fn is None
    torch.testing.assert_close(J, torch.eye(4)[:, :, None] * x.detach().exp())


@each_pair
@with_and_without_grad
def test_hessian_no_grad(inner, outer, requires_grad):
    """test_functional.py::TestAutogradFunctional::test_hessian_no_grad"""
    x = rand(2, 2).requires_grad_(requires_grad)

    def gradient(y):
        return jacdoc.jacobian(lambda x: x.pow(3).sum(), y, mode=inner)

    with torch.no_grad():
        H = jacdoc.jacobian(gradient, x, mode=outer)
    assert H.grad_fn is None
    torch.testing.assert_close(H, torch.diag(6 * x.detach().reshape(-1)).reshape(2, 2, 2, 2))


def _exp_reducer(x):
    return x.exp().sum(dim=1)


def _add_exp_reducer(x, y):
    return (x + y).exp().sum(dim=1)


def _jacobian_create_graph_foo(jacobian, x, y):
    """PyTorch's foo(x, y), whose ``val, jac`` are the Jacobians with respect to x and y."""
    x = x.cos()
    jac_x = jacobian(lambda a: _add_exp_reducer(a, y), x)
    jac_y = jacobian(lambda b: _add_exp_reducer(x, b), y)
    res = jac_x[0].exp().sum() + jac_x[1].exp().sum() + jac_y[0].exp().sum()
    return res + jac_y[1].exp().sum() + x.exp().sum() + y.exp().sum()


def _create_graph_inputs(requires_grad):
    """PyTorch's inputs, both requiring grad when create_graph is ported (as in its gradcheck)."""
    x, y = rand(4, 4, dtype=torch.float64), rand(4, 4, seed=1, dtype=torch.float64)
    return x.requires_grad_(requires_grad), y.requires_grad_(requires_grad)


# part: (jacobian, inputs) -> (a function of input ``which`` alone, which)
JACOBIAN_CREATE_GRAPH = {
    "exp_reducer": lambda jacobian, inputs: (lambda x: jacobian(_exp_reducer, x), 0),
    "add_exp_reducer/in0": lambda jacobian, inputs: (
        lambda x: jacobian(block(_add_exp_reducer, inputs, 0, 0), x),
        0,
    ),
    "add_exp_reducer/in1": lambda jacobian, inputs: (
        lambda y: jacobian(block(_add_exp_reducer, inputs, 0, 1), y),
        1,
    ),
    "foo/in0": lambda jacobian, inputs: (
        lambda x: _jacobian_create_graph_foo(jacobian, x, inputs[1]),
        0,
    ),
    "foo/in1": lambda jacobian, inputs: (
        lambda y: _jacobian_create_graph_foo(jacobian, inputs[0], y),
        1,
    ),
}


def _check_create_graph(ours, reference, x, requires_grad):
    """jacdoc's result equals the reference; with x requiring grad, it passes gradcheck and
    gradgradcheck (finite differences), as in PyTorch's test; without, it is detached."""
    x = x.detach().clone().requires_grad_(requires_grad)
    got = ours(x)
    torch.testing.assert_close(got, reference(x.detach()))
    if not requires_grad:
        assert got.grad_fn is None
        return
    assert got.grad_fn is not None
    assert torch.autograd.gradcheck(ours, (x,), fast_mode=True)
    assert torch.autograd.gradgradcheck(ours, (x,), fast_mode=True)


@each_mode
@with_and_without_grad
def test_jacobian_create_graph(mode, requires_grad):
    """test_functional.py::TestAutogradFunctional::test_jacobian_create_graph, every part"""

    inputs = _create_graph_inputs(requires_grad)

    def run(case):
        ours, which = JACOBIAN_CREATE_GRAPH[case.parts](by_jacdoc(mode), inputs)
        reference, _ = JACOBIAN_CREATE_GRAPH[case.parts](by_autograd, inputs)
        _check_create_graph(ours, reference, inputs[which], requires_grad)

    cases = [
        Case(f"{TF}test_jacobian_create_graph/{p}", partial(str, p)) for p in JACOBIAN_CREATE_GRAPH
    ]
    run_cases(cases, run)


def _add_pow_reducer(x, y):
    return (x + y).pow(3).sum()


def _create_graph_pair(requires_grad):
    """PyTorch's inputs, both requiring grad when create_graph is ported (as in its gradcheck)."""
    x, y = rand(2, 2, dtype=torch.float64), rand(2, 2, seed=1, dtype=torch.float64)
    return x.requires_grad_(requires_grad), y.requires_grad_(requires_grad)


def _hessian_create_graph_foo(inner, outer, x, y):
    """PyTorch's foo(x, y), whose ``val, hess`` are the rows of the Hessian's 2x2 blocks."""
    x = x.cos()
    blocks = [
        second_derivative(_add_pow_reducer, (x, y), i, j, inner=inner, outer=outer)((x, y)[j])
        for i in range(2)
        for j in range(2)
    ]
    return sum(b.cos().sum() for b in blocks) + x.cos().sum() + y.cos().sum()


def _hessian_part(part, inputs, inner, outer):
    """A part of test_hessian_create_graph: (a function of input ``which`` alone, which)."""
    if part == "pow_reducer":
        return second_derivative(
            lambda x: x.pow(3).sum(), inputs[:1], 0, 0, inner=inner, outer=outer
        ), 0
    if part.startswith("add_pow_reducer"):
        i, j = int(part[-4]), int(part[-1])
        return second_derivative(_add_pow_reducer, inputs, i, j, inner=inner, outer=outer), j
    if part == "foo/in0":
        return (lambda x: _hessian_create_graph_foo(inner, outer, x, inputs[1])), 0
    return (lambda y: _hessian_create_graph_foo(inner, outer, inputs[0], y)), 1


HESSIAN_CREATE_GRAPH = [
    "pow_reducer",
    *[f"add_pow_reducer/d{i}-d{j}" for i in range(2) for j in range(2)],
    "foo/in0",
    "foo/in1",
]


@each_pair
@with_and_without_grad
def test_hessian_create_graph(inner, outer, requires_grad):
    """test_functional.py::TestAutogradFunctional::test_hessian_create_graph, every part"""

    inputs = _create_graph_pair(requires_grad)

    def run(case):
        ours, which = _hessian_part(case.parts, inputs, by_jacdoc(inner), by_jacdoc(outer))
        reference, _ = _hessian_part(case.parts, inputs, by_autograd, by_autograd)
        _check_create_graph(ours, reference, inputs[which], requires_grad)

    cases = [
        Case(f"{TF}test_hessian_create_graph/{p}", partial(str, p)) for p in HESSIAN_CREATE_GRAPH
    ]
    run_cases(cases, run)


@pytest.mark.parametrize("shape", ["pytorch", "tall"])
@each_mode
@with_and_without_grad
def test_jacobian_vectorize_correctness_different_dtype(shape, mode, requires_grad):
    """test_functional.py::TestAutogradFunctional::test_jacobian_vectorize_correctness_different_dtype

    f(x, y) = (x * y).float(), (x * y).double(), each block, with x and y in float32 (as in
    PyTorch) and in float64. PyTorch: "The Jacobian computed using forward AD has the dtype of
    the output but the Jacobian computed with reverse AD has dtype of input", so its test
    compares reverse mode only. Both of PyTorch's answers are checked to agree in value;
    jacdoc documents one dtype for every mode, that of f(x) and x promoted, which is one of
    the two. PyTorch's x and y have 3 elements each; "tall" (not in PyTorch's test) gives y
    50 rows, 150 outputs in all, so that mode="auto" builds columns.
    """

    def F(x, y):
        return (x * y).float(), (x * y).double()

    def run(case):
        dtype, out, i = case.parts
        y_shape = (3,) if shape == "pytorch" else (50, 1)
        inputs = (randn(3, dtype=dtype), randn(*y_shape, seed=1, dtype=dtype))
        f = block(F, inputs, out, i)
        by_reverse = autogradF.jacobian(f, inputs[i], vectorize=True)
        by_forward = torch.func.jacfwd(f)(inputs[i])
        out_dtype = (torch.float32, torch.float64)[out]
        assert (by_reverse.dtype, by_forward.dtype) == (dtype, out_dtype)
        torch.testing.assert_close(by_forward, by_reverse, check_dtype=False)
        expected = by_reverse.to(torch.promote_types(out_dtype, dtype))
        ours = partial(jacdoc.jacobian, f, mode=mode)
        check(ours, inputs[i], expected, requires_grad, partial(by_autograd, f))

    cases = [
        Case(
            f"{TF}test_jacobian_vectorize_correctness_different_dtype/{shape}/"
            f"{str(dtype)[6:]}/out{out}-in{i}",
            partial(tuple, (dtype, out, i)),
        )
        for dtype in (torch.float32, torch.float64)
        for out in (0, 1)
        for i in (0, 1)
    ]
    run_cases(cases, run)


@each_mode
@with_and_without_grad
def test_jacobian_match_vjp_jvp(mode, requires_grad):
    """test_functional.py::TestAutogradFunctional::test_jacobian_match_vjp_jvp"""

    def foo(x):
        return x**3 + x.sum()

    x, v = rand(4).requires_grad_(requires_grad), rand(4, seed=1)
    jac = jacdoc.jacobian(foo, x, mode=mode)
    jvp = autogradF.jvp(foo, x.detach(), v)[1]
    vjp = autogradF.vjp(foo, x.detach(), v)[1]
    torch.testing.assert_close(torch.mm(jac, v.unsqueeze(1)).squeeze(1), jvp)
    torch.testing.assert_close(torch.mm(v.unsqueeze(0), jac).squeeze(0), vjp)
    check_grad(jac, x, lambda y: by_autograd(foo, y))


@each_pair
@with_and_without_grad
def test_hessian_match_vhp_hvp(inner, outer, requires_grad):
    """test_functional.py::TestAutogradFunctional::test_hessian_match_vhp_hvp"""

    def foo(a):
        return 3 * a.narrow(0, 0, 3).exp().sum()

    x, v = rand(4).requires_grad_(requires_grad), rand(4, seed=1)
    hes = second_derivative(foo, (x,), 0, 0, inner=by_jacdoc(inner), outer=by_jacdoc(outer))(x)
    hvp = autogradF.hvp(foo, x.detach(), v)[1]
    vhp = autogradF.vhp(foo, x.detach(), v)[1]
    torch.testing.assert_close(torch.mm(hes, v.unsqueeze(1)).squeeze(1), hvp)
    torch.testing.assert_close(torch.mm(v.unsqueeze(0), hes).squeeze(0), vhp)
    check_grad(hes, x, second_derivative(foo, (x,), 0, 0, inner=by_autograd, outer=by_autograd))


# --- test_eager_transforms.py: TestJac and TestHessian, composed with transforms ---------------


@each_mode
@with_and_without_grad
def test_vmap_on_jac_simple(mode, requires_grad):
    """test_eager_transforms.py::TestJac::test_vmap_on_jac_simple"""
    x = randn(2, 3)
    expected = torch.stack([torch.diagflat(x[i].cos()) for i in range(2)])
    check(
        torch.vmap(partial(jacdoc.jacobian, torch.sin, mode=mode)),
        x,
        expected,
        requires_grad,
        reference=torch.vmap(torch.func.jacrev(torch.sin)),
    )


def _chunk_f(x, y):
    return (x.sin(), x + y), (x + 2, x.sum())


def _flat(outs):
    return [outs[0][0], outs[0][1], outs[1][0], outs[1][1]]


def _fixed_chunks(monkeypatch, size):
    """jacrev's chunk_size: at most ``size`` rows or columns a chunk. jacdoc sizes its chunks
    with chunk_size, except the first chunk of columns, which MIN_CHUNK_ELEMENTS bounds."""

    def chunk_size(count, other):
        return min(count, size)

    monkeypatch.setattr(jacdoc.autodiff, "chunk_size", chunk_size)
    monkeypatch.setattr(jacdoc.autodiff, "MIN_CHUNK_ELEMENTS", size)


@each_mode
@with_and_without_grad
def test_chunk_jacrev(monkeypatch, mode, requires_grad):
    """test_eager_transforms.py::TestJac::test_chunk_jacrev, every block, its chunk sizes 1, 2,
    3, 4, 7, 10 and 1000 forced on jacdoc by patching jacdoc.autodiff.chunk_size."""
    inputs = (randn(10, 2), randn(1, 2, seed=1))
    jacobians = _flat(torch.func.jacrev(_chunk_f, argnums=(0, 1))(*inputs))

    def run(case):
        k, i, size = case.parts
        _fixed_chunks(monkeypatch, size)

        def f(z):
            args = list(inputs)
            args[i] = z
            return _flat(_chunk_f(*args))[k]

        ours = partial(jacdoc.jacobian, f, mode=mode)
        check(ours, inputs[i], jacobians[k][i], requires_grad, partial(by_autograd, f))

    cases = [
        Case(f"{TJ}test_chunk_jacrev/out{k}-in{i}/chunk_size={size}", partial(tuple, (k, i, size)))
        for k in range(4)
        for i in range(2)
        for size in (1, 2, 3, 4, 7, 10, 1000)
    ]
    run_cases(cases, run)


@each_pair
@with_and_without_grad
def test_chunk_jacrev_composition(monkeypatch, inner, outer, requires_grad):
    """test_eager_transforms.py::TestJac::test_chunk_jacrev_composition: vmap of a nested
    Jacobian of each of the four outputs, three rows or columns a chunk."""
    _fixed_chunks(monkeypatch, 3)
    x = randn(10, 2)

    def run(case):
        k = case.parts

        def f(x):
            return _flat(((x.sin(), x), (x + 2, x.sum())))[k]

        def ours(X):
            def second(x):
                return jacdoc.jacobian(lambda y: jacdoc.jacobian(f, y, mode=inner), x, mode=outer)

            return torch.vmap(second)(X)

        reference = torch.vmap(torch.func.jacrev(torch.func.jacrev(f)))
        check(ours, x, reference(x), requires_grad, reference)

    run_cases(
        [Case(f"{TJ}test_chunk_jacrev_composition/out{k}", partial(int, k)) for k in range(4)], run
    )


class IdentityWithDynamicBackwardOp(torch.autograd.Function):
    """TestJac::test_chunk_jacrev_chunksize_one's Function: a dynamic op in its backward, so
    that vmap over its VJP fails. PyTorch's test runs jacrev only; the ``jvp`` below, the
    identity's, is added so that forward mode can run at all. No vmap rule, as in PyTorch."""

    @staticmethod
    def forward(input):
        return input

    @staticmethod
    def setup_context(ctx, inputs, output):
        pass

    @staticmethod
    def backward(ctx, grad_output):
        grad_output.nonzero()  # dynamic op in backward pass
        return grad_output

    @staticmethod
    def jvp(ctx, tangent):
        return tangent


@pytest.mark.parametrize("shape", ["pytorch-chunk_size=1", "tiny"])
@each_mode
@with_and_without_grad
def test_chunk_jacrev_chunksize_one(monkeypatch, shape, mode, requires_grad):
    """test_eager_transforms.py::TestJac::test_chunk_jacrev_chunksize_one

    With chunks of one row or column, no vmap is needed. PyTorch's input is 3x3 with
    chunk_size=1, ported by patching jacdoc's chunk sizes (see _fixed_chunks); "tiny" (not in
    PyTorch's test) is a 3-element input, unpatched, small enough that jacdoc's rows or
    columns run as a loop on a CPU.
    """
    if shape == "tiny":
        x = randn(3)
    else:
        x = randn(3, 3)
        _fixed_chunks(monkeypatch, 1)

    def f(x):
        return IdentityWithDynamicBackwardOp.apply(x)

    expected = autogradF.jacobian(f, x, vectorize=False)
    torch.testing.assert_close(expected, torch.eye(x.numel()).reshape(x.shape + x.shape))
    check(
        lambda y: jacdoc.jacobian(f, y, mode=mode),
        x,
        expected,
        requires_grad,
        reference=lambda y: autogradF.jacobian(f, y, create_graph=True, vectorize=False),
    )


def _levels_loss(A, x1, x2):
    x2_hat = (A @ (x1.T)).T
    res = x2 - x2_hat
    res_sqr = res**2
    return res_sqr.sum()


@functools.cache
def _levels():
    """The inputs of test_jacfwd_different_levels, its expected value and its reference."""
    b, n, d = 8, 100, 2
    x1 = randn(b, n, d)
    x2 = x1
    A = 0.1 * randn(b, d, d, seed=1)

    def reference(A):
        return torch.vmap(torch.func.hessian(_levels_loss))(A, x1, x2)

    return A, x1, x2, reference(A), Reference(reference)


@each_pair
@with_and_without_grad
def test_jacfwd_different_levels(inner, outer, requires_grad):
    """test_eager_transforms.py::TestHessian::test_jacfwd_different_levels: vmap of the Hessian
    with respect to A of a loss that also takes two batched tensors."""
    A, x1, x2, expected, reference = _levels()

    def hessian(a, p, q):
        def gradient(z):
            return jacdoc.jacobian(lambda w: _levels_loss(w, p, q), z, mode=inner)

        return jacdoc.jacobian(gradient, a, mode=outer)

    def ours(A):
        return torch.vmap(hessian)(A, x1, x2)

    check(ours, A, expected, requires_grad, reference)


# --- test_eager_transforms.py: Jacobian tests in the other classes -----------------------------


def _no_grad_shift(x):
    with torch.no_grad():
        shift = x**2
    return x**2 - shift


TALL_WEIGHTS = torch.linspace(1, 2, 200)[:, None]  # 200 x 1: maps 2 inputs to 400 outputs


def _no_grad_shift_tall(x):
    return TALL_WEIGHTS * _no_grad_shift(x)


@pytest.mark.parametrize("shape", ["pytorch", "tall"])
@each_mode
@with_and_without_grad
def test_no_grad_inside(shape, mode, requires_grad):
    """test_eager_transforms.py::TestGradTransform::test_no_grad_inside, with jacobian for grad:
    grad(f)(x) == 2x, and d/dx of it == 2 when x requires grad. "tall" (not in PyTorch's test)
    scales f into 400 outputs of 2 inputs, so that mode="auto" builds columns."""
    if shape == "pytorch":
        f, x = _no_grad_shift, randn()
        expected = 2 * x
    else:
        f, x = _no_grad_shift_tall, randn(2)
        expected = TALL_WEIGHTS[:, :, None] * torch.diag(2 * x)
    reference = torch.func.jacrev(f)
    torch.testing.assert_close(reference(x), expected)
    check(partial(jacdoc.jacobian, f, mode=mode), x, expected, requires_grad, reference)


@each_pair
@with_and_without_grad
def test_no_grad_inside_second_derivative(inner, outer, requires_grad):
    """test_eager_transforms.py::TestGradTransform::test_no_grad_inside: grad(grad(f))(x) == 2"""
    x = randn()
    ours = second_derivative(
        _no_grad_shift, (x,), 0, 0, inner=by_jacdoc(inner), outer=by_jacdoc(outer)
    )
    reference = torch.func.jacrev(torch.func.jacrev(_no_grad_shift))
    check(ours, x, torch.tensor(2.0), requires_grad, reference)


@each_mode
@with_and_without_grad
def test_inference_mode_outside_jacrev(mode, requires_grad):
    """test_eager_transforms.py::TestGradTransform::test_inference_mode_outside_jacrev"""
    x = randn(3).requires_grad_(requires_grad)
    with torch.inference_mode():
        y = jacdoc.jacobian(lambda x: x**2, x, mode=mode)
    torch.testing.assert_close(y, torch.diag(2 * x.detach()))


@each_pair
@with_and_without_grad
def test_inference_mode_jacrev_grad(inner, outer, requires_grad):
    """test_eager_transforms.py::TestGradTransform::test_inference_mode_jacrev_grad"""
    x = randn(3).requires_grad_(requires_grad)

    def gradient(y):
        return jacdoc.jacobian(lambda x: (x**3).sum(), y, mode=inner)

    with torch.inference_mode():
        H = jacdoc.jacobian(gradient, x, mode=outer)
    torch.testing.assert_close(H, torch.diag(6 * x.detach()))


@pytest.mark.parametrize("transform", ["vmap", "grad"])
@each_mode
@with_and_without_grad
def test_jacobian_inside_transform(transform, mode, requires_grad):
    """test_eager_transforms.py::TestComposability::test_autograd_functional_jacrev_inside_transform
    and ::test_autograd_functional_jacfwd_inside_transform.

    PyTorch asserts that torch.autograd.functional.jacobian fails inside vmap and grad; jacdoc
    says it composes with them, so the port asserts torch.func.jacrev's value there.
    """

    def f(x):
        return jacdoc.jacobian(lambda x: x.sin().sum(), x, mode=mode)

    def f_reference(x):
        return torch.func.jacrev(lambda x: x.sin().sum())(x)

    if transform == "vmap":
        x = randn(5, 3)
        ours, reference, expected = torch.vmap(f), torch.vmap(f_reference), x.cos()
    else:
        x = randn()
        ours, reference = torch.func.grad(f), torch.func.grad(f_reference)
        expected = -x.sin()
    check(ours, x, expected, requires_grad, reference)


class MySin(torch.autograd.Function):
    """TestComposability::test_autograd_function_no_setup_context's Function: old style, no
    setup_context, which torch.func transforms reject."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x.sin()

    @staticmethod
    def backward(ctx, gy):
        (x,) = ctx.saved_tensors
        return gy * x.cos()


def _value_or_error(call, expected, error):
    """PyTorch asserts that its transforms raise ``error``; jacdoc may raise it too where it
    uses them, or give the right value where it uses plain autograd."""
    try:
        got = call()
    except RuntimeError as exc:
        if error not in str(exc):
            raise
        return
    torch.testing.assert_close(got, expected)


@each_mode
@with_and_without_grad
def test_autograd_function_no_setup_context(mode, requires_grad):
    """test_eager_transforms.py::TestComposability::test_autograd_function_no_setup_context,
    its jacrev and jacfwd subtests"""
    x = randn(3).requires_grad_(requires_grad)
    _value_or_error(
        lambda: jacdoc.jacobian(MySin.apply, x, mode=mode),
        torch.diag(x.detach().cos()),
        "must override the setup_context",
    )


def _second_derivative_of_sin(x):
    """d² sin(x_a) / dx_b dx_c = -sin(x_a) when a = b = c, else 0."""
    expected = torch.zeros(3, 3, 3, dtype=x.dtype)
    index = torch.arange(3)
    expected[index, index, index] = -x.sin()
    return expected


@each_pair
@with_and_without_grad
def test_autograd_function_no_setup_context_hessian(inner, outer, requires_grad):
    """test_eager_transforms.py::TestComposability::test_autograd_function_no_setup_context,
    its hessian subtest"""
    x = randn(3).requires_grad_(requires_grad)
    hessian = second_derivative(
        MySin.apply, (x,), 0, 0, inner=by_jacdoc(inner), outer=by_jacdoc(outer)
    )
    _value_or_error(
        lambda: hessian(x), _second_derivative_of_sin(x.detach()), "must override the setup_context"
    )


def _sin_sum(x):
    return torch.sin(x).sum()


def _sin_sum_with_hooks(x):
    with torch.autograd.graph.save_on_cpu():
        return _sin_sum(x)


@pytest.mark.parametrize("hooks", ["outside", "inside"])
@each_mode
@with_and_without_grad
def test_transforms_dont_support_saved_tensor_hooks(hooks, mode, requires_grad):
    """test_eager_transforms.py::TestComposability::test_transforms_dont_support_saved_tensor_hooks,
    its jacrev subtest: saved-tensor hooks around the call or inside f"""
    x = randn(3).requires_grad_(requires_grad)

    def call():
        if hooks == "inside":
            return jacdoc.jacobian(_sin_sum_with_hooks, x, mode=mode)
        with torch.autograd.graph.save_on_cpu():
            return jacdoc.jacobian(_sin_sum, x, mode=mode)

    _value_or_error(call, x.detach().cos(), "saved tensor hooks")


@pytest.mark.parametrize("hooks", ["outside", "inside"])
@each_pair
@with_and_without_grad
def test_transforms_dont_support_saved_tensor_hooks_hessian(hooks, inner, outer, requires_grad):
    """test_eager_transforms.py::TestComposability::test_transforms_dont_support_saved_tensor_hooks,
    its hessian subtest"""
    x = randn(3).requires_grad_(requires_grad)
    f = _sin_sum_with_hooks if hooks == "inside" else _sin_sum
    hessian = second_derivative(f, (x,), 0, 0, inner=by_jacdoc(inner), outer=by_jacdoc(outer))

    def call():
        if hooks == "inside":
            return hessian(x)
        with torch.autograd.graph.save_on_cpu():
            return hessian(x)

    _value_or_error(call, torch.diag(-x.detach().sin()), "saved tensor hooks")


@each_mode
@with_and_without_grad
def test_lennard_jones_batched_jac(mode, requires_grad):
    """test_eager_transforms.py::TestExamplesCorrectness::test_lennard_jones_batched_jac: the
    gradient, with respect to a model's parameters, of a loss on vmap of the model's Jacobian,
    against a loop of torch.autograd.functional.jacobian(create_graph=True). x is r. PyTorch
    uses 100 distances; 10 here, for time."""
    sigma = 0.5
    epsilon = 4.0

    def lennard_jones(r):
        return epsilon * ((sigma / r) ** 12 - (sigma / r) ** 6)

    def lennard_jones_force(r):
        """Get magnitude of LJ force"""
        return -epsilon * ((-12 * sigma**12 / r**13) + (6 * sigma**6 / r**7))

    r = torch.linspace(0.5, 2 * sigma, steps=10, requires_grad=requires_grad)
    drs = torch.outer(r, torch.tensor([1.0, 0, 0]))
    norms = torch.norm(drs, dim=1).reshape(-1, 1)
    training_energies = torch.stack(list(map(lennard_jones, norms))).reshape(-1, 1)
    training_forces = torch.stack(
        [force * dr for force, dr in zip(map(lennard_jones_force, norms), drs, strict=True)]
    )

    with torch.random.fork_rng():
        torch.manual_seed(0)
        model = nn.Sequential(
            nn.Linear(1, 16),
            nn.Tanh(),
            nn.Linear(16, 16),
            nn.Tanh(),
            nn.Linear(16, 16),
            nn.Tanh(),
            nn.Linear(16, 16),
            nn.Tanh(),
            nn.Linear(16, 1),
        )

    def make_prediction(model, drs, use_jacdoc):
        norms = torch.norm(drs, dim=1).reshape(-1, 1)
        energies = model(norms)

        if use_jacdoc:
            network_derivs = torch.vmap(lambda n: jacdoc.jacobian(model, n, mode=mode))(norms)
            forces = -network_derivs.squeeze(-1) * drs / norms
        else:
            forces = []
            for r, dr in zip(norms, drs, strict=True):
                network_deriv = autogradF.jacobian(model, r, create_graph=True)
                force = -network_deriv * dr / r
                forces.append(force)
            forces = torch.cat(forces)
        return energies, forces

    def loss_fn(energies, forces, predicted_energies, predicted_forces):
        return (
            nn.functional.mse_loss(energies, predicted_energies)
            + 0.01 * nn.functional.mse_loss(forces, predicted_forces) / 3
        )

    energies, forces = make_prediction(model, drs, use_jacdoc=True)
    loss = loss_fn(training_energies, training_forces, energies, forces)
    result = torch.autograd.grad(loss, list(model.parameters()))

    energies, forces = make_prediction(model, drs, use_jacdoc=False)
    loss = loss_fn(training_energies, training_forces, energies, forces)
    expected = torch.autograd.grad(loss, list(model.parameters()))

    torch.testing.assert_close(result, expected)
