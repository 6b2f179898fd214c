"""Vector maths for the lane kernels: elementwise functions in branch-free code that LLVM
vectorises (numba has no vector libm here, and a libm call inside a loop keeps it scalar).

* :func:`exp`: Cody-Waite reduction with fdlibm's split of ln 2, a degree-10 polynomial
  (SLEEF's coefficients) by Horner's rule in fused multiply-adds (:func:`fma`, ``llvm.fma``),
  2^k written into the exponent bits (:func:`bits_as_float`, an LLVM bitcast) in two factors;
  inf / 0 beyond the float64 range, NaN only from NaN; :func:`expm1` on the same reduction;
* built on them: :func:`expit` (sigmoid, with exp(-|u|) and 1 / (1 + exp(-|u|)) for the
  callers), :func:`tanh` and :func:`logistic_error` (sigmoid(z) - y without cancellation).

Every function is inlined into the lane loops (numba's IR inliner), where each lane does the
same IEEE operations on its own value: the vector and scalar code paths give the same bits.
:func:`lane_functions` runs them over an array, for ``tests/experiments/test_lanes.py``
(accuracy against libm and extended precision, special values, vector vs scalar bits).
"""

from __future__ import annotations

import math

import numpy as np
from numba import types
from numba.extending import intrinsic

from ._common import jit_inline as _ijit
from ._common import jit_lanes as _ljit

__all__ = [
    "exp",
    "expm1",
    "expit",
    "tanh",
    "logistic_error",
    "fma",
    "bits_as_float",
    "lane_functions",
]

# exp(x) = 2^k exp(r), x = k ln2 + r, |r| <= ln2 / 2 (Cody-Waite, fdlibm's split of ln2);
# exp(r) - 1 = r + r^2 P(r), P of degree 10 (SLEEF's xexp coefficients, relative error of the
# polynomial 3e-19 on the interval) by Horner's rule in fused multiply-adds; 2^k written into
# the exponent bits, in two factors so that k in [-2020, 2020] never leaves the normal range
# (exact products, one rounding at the end).
_LOG2E = 1.4426950408889634
_LN2HI = 6.93147180369123816490e-01  # 32 significant bits: k * _LN2HI is exact
_LN2LO = 1.90821492927058770002e-10
_SHIFTER = 6755399441055744.0  # 1.5 * 2^52: x + _SHIFTER - _SHIFTER rounds x to an integer
_XMAX = 1400.0  # |x| beyond this: exp is 0 or inf anyway; keeps k in range
_EXP_P = (
    2.08860621107283687536341e-09,
    2.51112930892876518610661e-08,
    2.75573911234900471893338e-07,
    2.75572362911928827629423e-06,
    2.4801587159235472998791e-05,
    0.000198412698960509205564975,
    0.00138888888889774492207962,
    0.00833333333331652721664984,
    0.0416666666666665047591422,
    0.166666666666666851703837,
    0.5,
)

_P0, _P1, _P2, _P3, _P4, _P5, _P6, _P7, _P8, _P9, _P10 = _EXP_P


@intrinsic
def bits_as_float(typingctx, bits):
    """The float64 whose IEEE bits are the int64 ``bits`` (an LLVM bitcast)."""
    if not isinstance(bits, types.Integer):
        return None

    def codegen(context, builder, signature, args):
        val = context.cast(builder, args[0], signature.args[0], types.int64)
        return builder.bitcast(val, context.get_value_type(types.float64))

    return types.float64(bits), codegen


@intrinsic
def fma(typingctx, a, b, c):
    """a * b + c with one rounding (``llvm.fma``: a vfmadd instruction, vectorisable; a
    libm call on a CPU without FMA, same bits)."""
    if not all(isinstance(t, types.Float) for t in (a, b, c)):
        return None

    def codegen(context, builder, signature, args):
        return builder.fma(*args)

    return types.float64(types.float64, types.float64, types.float64), codegen


@_ijit
def _exp_reduce(x):
    """(q, k) with exp(x) = 2^k (1 + q), branch-free; x clamped to [-_XMAX, _XMAX], NaN kept."""
    xc = _XMAX if x > _XMAX else x
    xc = -_XMAX if xc < -_XMAX else xc
    kf = (xc * _LOG2E + _SHIFTER) - _SHIFTER
    kf = kf if kf == kf else 0.0  # NaN input: k = 0, r stays NaN
    r = fma(kf, -_LN2LO, fma(kf, -_LN2HI, xc))
    u = fma(_P0, r, _P1)
    u = fma(u, r, _P2)
    u = fma(u, r, _P3)
    u = fma(u, r, _P4)
    u = fma(u, r, _P5)
    u = fma(u, r, _P6)
    u = fma(u, r, _P7)
    u = fma(u, r, _P8)
    u = fma(u, r, _P9)
    u = fma(u, r, _P10)
    return fma(r * r, u, r), np.int64(kf)


@_ijit
def exp(x):
    """exp(x) in branch-free code that vectorises (|error| < 1 ulp, tested against math.exp):
    inf and 0 beyond the float64 range, NaN for NaN."""
    q, k = _exp_reduce(x)
    k1 = k >> 1
    s1 = bits_as_float((k1 + 1023) << 52)
    s2 = bits_as_float((k - k1 + 1023) << 52)
    return ((1.0 + q) * s1) * s2


@_ijit
def expm1(x):
    """exp(x) - 1, accurate near 0 (2^k q + (2^k - 1)); branch-free."""
    xs = -40.0 if x < -40.0 else x  # exp(-40) - 1 rounds to -1
    xs = 700.0 if xs > 700.0 else xs
    q, k = _exp_reduce(xs)
    s = bits_as_float((k + 1023) << 52)
    em = fma(s, q, s - 1.0)
    return exp(x) if x > 700.0 else em


@_ijit
def expit(u):
    """(sigmoid(u), e, d) with e = exp(-|u|), d = 1 / (1 + e): no overflow, no cancellation."""
    e = exp(-abs(u))
    d = 1.0 / (1.0 + e)
    return (d if u >= 0.0 else e * d), e, d


@_ijit
def tanh(u):
    """tanh(u) = -expm1(-2|u|) / (2 + expm1(-2|u|)), sign of u (exact at +-0, +-1 at +-inf)."""
    em = expm1(-2.0 * abs(u))
    return math.copysign(-em / (2.0 + em), u)


@_ijit
def logistic_error(z, y):
    """e = sigmoid(z) - y without cancellation, one exponential; branch-free."""
    ez = exp(-abs(z))
    d = 1.0 / (1.0 + ez)
    q = ez * d if z >= 0.0 else d  # 1 - sigmoid(z)
    p = d if z >= 0.0 else ez * d
    return -q if y == 1.0 else p


@_ljit
def lane_functions(kind, x, y):
    """The lane kernels' elementwise functions over an array (a loop that vectorises, as in
    the kernel), for tests: kind 0 exp, 1 expm1, 2 sigmoid, 3 tanh, 4 sigmoid(x) - y."""
    out = np.empty_like(x)
    m = x.shape[0]
    if kind == 0:
        for w in range(m):
            out[w] = exp(x[w])
    elif kind == 1:
        for w in range(m):
            out[w] = expm1(x[w])
    elif kind == 2:
        for w in range(m):
            s, _, _ = expit(x[w])
            out[w] = s
    elif kind == 3:
        for w in range(m):
            out[w] = tanh(x[w])
    else:
        for w in range(m):
            out[w] = logistic_error(x[w], y[w])
    return out
