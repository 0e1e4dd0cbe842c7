"""jacdoc: make PyTorch's Jacobians visible.

Build a full Jacobian (:func:`jacobian`), contract it the way autograd does (:func:`vjp`,
:func:`jvp`, :func:`einsum_subscripts`), build the analytic Jacobian of an elementwise map
(:func:`elementwise_jacobian`), and show it as a matrix, as LaTeX or as a heatmap
(:func:`as_matrix`, :func:`to_latex`, :func:`plot_jacobian`, or :func:`show_jacobian`, whose
cells name their derivative), and count the tensor memory a computation needs
(:class:`PeakMemory`).
"""

from importlib import metadata as _metadata

from jacdoc.autodiff import jacobian
from jacdoc.contract import as_matrix, einsum_subscripts, elementwise_jacobian, jvp, vjp
from jacdoc.heatmap import JacobianHeatmap, show_jacobian
from jacdoc.memory import PeakMemory
from jacdoc.plot import plot_jacobian
from jacdoc.render import to_latex

try:
    __version__ = _metadata.version("jacdoc")
except _metadata.PackageNotFoundError:  # imported from a source folder that was never installed
    __version__ = "0+unknown"

__all__ = [
    "JacobianHeatmap",
    "PeakMemory",
    "__version__",
    "as_matrix",
    "einsum_subscripts",
    "elementwise_jacobian",
    "jacobian",
    "jvp",
    "plot_jacobian",
    "show_jacobian",
    "to_latex",
    "vjp",
]
