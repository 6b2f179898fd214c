"""Vector maths for the kernels: elementwise functions in branch-free code that LLVM vectorises
(numba has no vector libm here, and a libm call inside a loop keeps it scalar).

* :func:`exp`: Cody-Waite reduction with fdlibm's split of ln 2, a degree-10 polynomial
  (SLEEF's coefficients) by Horner's rule in fused multiply-adds (:func:`fma`, ``llvm.fma``),
  2^k written into the exponent bits (:func:`bits_as_float`, an LLVM bitcast) in two factors;
  inf / 0 beyond the float64 range, NaN only from NaN; :func:`expm1` on the same reduction;
* built on them: :func:`expit` (sigmoid, with exp(-|u|) and 1 / (1 + exp(-|u|)) for the
  callers), :func:`tanh` and :func:`logistic_error` (sigmoid(z) - y without cancellation);
* :func:`log1p01` (log(1 + x) on [0, 1]: fdlibm's log1p reduction without branches) and
  :func:`softplus` on it, and :func:`erf` (fdlibm's rational approximations on every lane, the
  right one selected): at most 1, 2 and 1 ulp from libm / numpy on the tests' points;
* :func:`activations`: f and its first three derivatives for each activation over a row.

Every function is inlined into the lane loops (numba's IR inliner), where each lane does the
same IEEE operations on its own value: the vector and scalar code paths give the same bits.
:func:`lane_functions` runs them over an array, for ``tests/experiments/test_lanes.py``
(accuracy against libm and extended precision, special values, vector vs scalar bits).

Explicit SIMD where LLVM's loop vectoriser cannot help: :data:`float64x4`, a numba type held in
an LLVM ``<4 x double>`` register, with :func:`load4` / :func:`store4` (four consecutive
elements along an array's last axis), :func:`splat4`, :func:`add4`, :func:`mul4`, :func:`fma4`
and :func:`sum4`. The vectoriser only vectorises innermost loops whose iterations are
independent; a sum over samples (a reduction) it vectorises only with fast-math reassociation,
whose order then depends on the CPU's vector width, and it never keeps accumulators in registers
across an outer loop. With these intrinsics a kernel states the order itself: four partial
sums, one per sample residue mod 4, added at the end in a fixed order (:func:`sum4`), and tiles
of accumulators held in registers. Every element is one IEEE operation (``fma4`` is
``llvm.fma``: one rounding, the same bits on any CPU), so the results do not depend on the
machine.
"""

from __future__ import annotations

import math

import numpy as np
from llvmlite import ir
from numba import types
from numba.core import cgutils
from numba.extending import intrinsic, models, register_model

from ._common import jit_inline as _ijit
from ._common import jit_lanes as _ljit

__all__ = [
    "exp",
    "expm1",
    "expit",
    "tanh",
    "logistic_error",
    "log1p01",
    "softplus",
    "erf",
    "fma",
    "bits_as_float",
    "float_as_bits",
    "lane_functions",
    "activations",
    "float64x4",
    "load4",
    "store4",
    "splat4",
    "add4",
    "mul4",
    "fma4",
    "sum4",
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
_SHIFTER_BITS = 0x4338000000000000  # the IEEE bits of _SHIFTER
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

# log(1 + x) and erf(x): the method and coefficients of fdlibm (e_log.c / s_log1p.c, s_erf.c),
# written here branch-free (every piece computed, the right one selected per lane):
# ====================================================
# Copyright (C) 1993 by Sun Microsystems, Inc. All rights reserved.
#
# Developed at SunPro, a Sun Microsystems, Inc. business.
# Permission to use, copy, modify, and distribute this
# software is freely granted, provided that this notice
# is preserved.
# ====================================================
# log(1 + f) = f - f^2 / 2 + s (f^2 / 2 + R(s^2)), s = f / (2 + f), |s| <= 0.1716
_LG = (
    6.666666666666735130e-01,
    3.999999999940941908e-01,
    2.857142874366239149e-01,
    2.222219843214978396e-01,
    1.818357216161805012e-01,
    1.531383769920937332e-01,
    1.479819860511658591e-01,
)
_LG1, _LG2, _LG3, _LG4, _LG5, _LG6, _LG7 = _LG
_SQRT2 = 1.4142135623730951
# erf: |x| < 0.84375: x + x P(x^2) / Q(x^2); < 1.25: erx + P(|x| - 1) / Q(|x| - 1);
# < 6: 1 - exp(-x^2 - 0.5625 + R(1/x^2) / S(1/x^2)) / |x| (coefficients ra/sa below
# 1 / 0.35, rb/sb above); 1 beyond
_ERX = 8.45062911510467529297e-01
_PP0, _PP1, _PP2, _PP3, _PP4 = (
    1.28379167095512558561e-01,
    -3.25042107247001499370e-01,
    -2.84817495755985104766e-02,
    -5.77027029648944159157e-03,
    -2.37630166566501626084e-05,
)
_QQ1, _QQ2, _QQ3, _QQ4, _QQ5 = (
    3.97917223959155352819e-01,
    6.50222499887672944485e-02,
    5.08130628187576562776e-03,
    1.32494738004321644526e-04,
    -3.96022827877536812320e-06,
)
_PA0, _PA1, _PA2, _PA3, _PA4, _PA5, _PA6 = (
    -2.36211856075265944077e-03,
    4.14856118683748331666e-01,
    -3.72207876035701323847e-01,
    3.18346619901161753674e-01,
    -1.10894694282396677476e-01,
    3.54783043256182359371e-02,
    -2.16637559486879084300e-03,
)
_QA1, _QA2, _QA3, _QA4, _QA5, _QA6 = (
    1.06420880400844228286e-01,
    5.40397917702171048937e-01,
    7.18286544141962662868e-02,
    1.26171219808761642112e-01,
    1.36370839120290507362e-02,
    1.19844998467991074170e-02,
)
_RA0, _RA1, _RA2, _RA3, _RA4, _RA5, _RA6, _RA7 = (
    -9.86494403484714822705e-03,
    -6.93858572707181764372e-01,
    -1.05586262253232909814e01,
    -6.23753324503260060396e01,
    -1.62396669462573470355e02,
    -1.84605092906711035994e02,
    -8.12874355063065934246e01,
    -9.81432934416914548592e00,
)
_SA1, _SA2, _SA3, _SA4, _SA5, _SA6, _SA7, _SA8 = (
    1.96512716674392571292e01,
    1.37657754143519042600e02,
    4.34565877475229228821e02,
    6.45387271733267880336e02,
    4.29008140027567833386e02,
    1.08635005541779435134e02,
    6.57024977031928170135e00,
    -6.04244152148580987438e-02,
)
_RB0, _RB1, _RB2, _RB3, _RB4, _RB5, _RB6 = (
    -9.86494292470009928597e-03,
    -7.99283237680523006574e-01,
    -1.77579549177547519889e01,
    -1.60636384855821916062e02,
    -6.37566443368389627722e02,
    -1.02509513161107724954e03,
    -4.83519191608651397019e02,
)
_SB1, _SB2, _SB3, _SB4, _SB5, _SB6, _SB7 = (
    3.03380607434824582924e01,
    3.25792512996573918826e02,
    1.53672958608443695994e03,
    3.19985821950859553908e03,
    2.55305040643316442583e03,
    4.74528541206955367215e02,
    -2.24409524465858183362e01,
)
_ERF_CUT = 2.8571434020996094  # fdlibm's 1 / 0.35 (high word 0x4006DB6E)
_HIGH_WORD = -4294967296  # 0xFFFFFFFF00000000 as int64: keeps the high 32 bits


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
def float_as_bits(typingctx, x):
    """The IEEE bits of the float64 ``x`` as an int64 (an LLVM bitcast)."""
    if not isinstance(x, types.Float):
        return None

    def codegen(context, builder, signature, args):
        val = context.cast(builder, args[0], signature.args[0], types.float64)
        return builder.bitcast(val, context.get_value_type(types.int64))

    return types.int64(x), codegen


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
    kd = xc * _LOG2E + _SHIFTER  # 1.5 * 2^52 + k: the integer k in the low bits
    kf = kd - _SHIFTER
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
    # k from the bits of kd (an integer subtraction, vectorisable: AVX2 has no float64 ->
    # int64 conversion); a NaN input gives some k, and the NaN of r makes the result NaN
    return fma(r * r, u, r), float_as_bits(kd) - _SHIFTER_BITS


@_ijit
def exp(x):
    """exp(x) in branch-free code that vectorises (|error| < 1 ulp, tested against math.exp):
    inf and 0 beyond the float64 range, NaN for NaN."""
    q, k = _exp_reduce(x)
    # k1 = floor(k / 2) by a logical shift of k + 4096 >= 0 (AVX2 has no arithmetic shift of
    # int64 lanes; |k| <= 2020 here)
    k1 = np.int64(np.uint64(k + 4096) >> np.uint64(1)) - 2048
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


@_ijit
def log1p01(x):
    """log(1 + x) for 0 <= x <= 1 (softplus's log1p(exp(-|u|))), branch-free: u = 1 + x
    rounded, c = (x - (u - 1)) / u its rounding error, u or u / 2 = 1 + f with f in
    [-0.293, 0.415], then fdlibm's log(1 + f) plus k ln 2 + c (tested against libm)."""
    u = 1.0 + x
    c = (x - (u - 1.0)) / u
    big = u >= _SQRT2
    f = (0.5 * u if big else u) - 1.0
    k = 1.0 if big else 0.0
    hfsq = 0.5 * f * f
    s = f / (2.0 + f)
    z = s * s
    R = z * fma(fma(fma(fma(fma(fma(_LG7, z, _LG6), z, _LG5), z, _LG4), z, _LG3), z, _LG2), z, _LG1)
    return k * _LN2HI - ((hfsq - (s * (hfsq + R) + (k * _LN2LO + c))) - f)


@_ijit
def softplus(u):
    """log(1 + e^u) = max(u, 0) + log1p(exp(-|u|)), branch-free (as numpy's logaddexp)."""
    return max(u, 0.0) + log1p01(exp(-abs(u)))


@_ijit
def erf(x):
    """erf(x), branch-free: fdlibm's approximations for the three ranges of |x| below 6 (Horner's
    rule in fused multiply-adds) evaluated on every lane, the numerator and denominator of the
    one for |x| selected before the one division (tested against libm's erf); +-1 beyond
    |x| = 6, NaN for NaN."""
    ax = abs(x)
    z = ax * ax
    t = ax - 1.0
    a = min(max(ax, 1.25), 6.0)  # the tail's argument, finite on every lane
    ia = 1.0 / a
    w = ia * ia
    near = a < _ERF_CUT
    # |x| < 0.84375: x + x P(x^2) / Q(x^2)
    p0 = fma(fma(fma(fma(_PP4, z, _PP3), z, _PP2), z, _PP1), z, _PP0)
    q0 = fma(fma(fma(fma(fma(_QQ5, z, _QQ4), z, _QQ3), z, _QQ2), z, _QQ1), z, 1.0)
    # |x| < 1.25: erx + P(|x| - 1) / Q(|x| - 1)
    p1 = fma(fma(fma(fma(fma(fma(_PA6, t, _PA5), t, _PA4), t, _PA3), t, _PA2), t, _PA1), t, _PA0)
    q1 = fma(fma(fma(fma(fma(fma(_QA6, t, _QA5), t, _QA4), t, _QA3), t, _QA2), t, _QA1), t, 1.0)
    # |x| < 6: 1 - exp(-x^2 - 0.5625 + R(1/x^2) / S(1/x^2)) / |x|
    R = fma(_RA7, w, _RA6) if near else _RB6
    R = fma(R, w, _RA5 if near else _RB5)
    R = fma(R, w, _RA4 if near else _RB4)
    R = fma(R, w, _RA3 if near else _RB3)
    R = fma(R, w, _RA2 if near else _RB2)
    R = fma(R, w, _RA1 if near else _RB1)
    R = fma(R, w, _RA0 if near else _RB0)
    S = fma(_SA8, w, _SA7) if near else _SB7
    S = fma(S, w, _SA6 if near else _SB6)
    S = fma(S, w, _SA5 if near else _SB5)
    S = fma(S, w, _SA4 if near else _SB4)
    S = fma(S, w, _SA3 if near else _SB3)
    S = fma(S, w, _SA2 if near else _SB2)
    S = fma(S, w, _SA1 if near else _SB1)
    S = fma(S, w, 1.0)
    tail = ax >= 1.25
    mid = ax >= 0.84375
    ratio = (R if tail else (p1 if mid else p0)) / (S if tail else (q1 if mid else q0))
    a8 = 8.0 * ax  # scaled so that a subnormal x keeps its bits (exact otherwise)
    v0 = 0.125 * fma(a8, ratio, a8)
    v1 = _ERX + ratio
    zh = bits_as_float(float_as_bits(a) & _HIGH_WORD)  # a rounded to 21 bits: zh^2 is exact
    v2 = 1.0 - exp(-zh * zh - 0.5625) * exp(fma(zh - a, zh + a, ratio)) * ia
    res = 1.0 if ax >= 6.0 else (v2 if tail else (v1 if mid else v0))
    return math.copysign(res, x)


@_ijit
def activations(nw, code, U, k, A, F1, F2, F3, order):
    """The activation ``code`` and its derivatives at ``U[:nw]`` into ``A[k, :nw]``,
    ``F1[k, :nw]`` (and ``F2[k, :nw]``, ``F3[k, :nw]`` if order == 3): f, f', f'', f'''.
    The branch on the code is outside the loops, which vectorise (one value per lane, or
    per sample): every function here is branch-free (softplus's log1p is :func:`log1p01`,
    GELU's erf is :func:`erf`; no libm call)."""
    if code == 0:
        for w in range(nw):
            A[k, w] = U[w]
            F1[k, w] = 1.0
        if order == 3:
            for w in range(nw):
                F2[k, w] = 0.0
                F3[k, w] = 0.0
    elif code == 1:
        for w in range(nw):
            S, _, _ = expit(U[w])
            f1 = S * (1.0 - S)
            A[k, w] = S
            F1[k, w] = f1
            if order == 3:
                F2[k, w] = f1 * (1.0 - 2.0 * S)
                F3[k, w] = f1 * (1.0 - 6.0 * S + 6.0 * S * S)
    elif code == 2:
        for w in range(nw):
            t = tanh(U[w])
            f1 = 1.0 - t * t
            A[k, w] = t
            F1[k, w] = f1
            if order == 3:
                F2[k, w] = -2.0 * t * f1
                F3[k, w] = f1 * (6.0 * t * t - 2.0)
    elif code == 3:
        for w in range(nw):
            u = U[w]
            S, e, _ = expit(u)
            A[k, w] = max(u, 0.0) + log1p01(e)
            F1[k, w] = S
            if order == 3:
                f2 = S * (1.0 - S)
                F2[k, w] = f2
                F3[k, w] = f2 * (1.0 - 2.0 * S)
    else:
        for w in range(nw):
            u = U[w]
            Phi = 0.5 * (1.0 + erf(u / math.sqrt(2.0)))
            phi = exp(-0.5 * u * u) / math.sqrt(2.0 * math.pi)
            A[k, w] = u * Phi
            F1[k, w] = Phi + u * phi
            if order == 3:
                uc = min(max(u, -40.0), 40.0)  # phi = 0 beyond |u| = 40: no inf * 0
                F2[k, w] = (2.0 - uc * uc) * phi
                F3[k, w] = (uc * uc * uc - 4.0 * uc) * phi


@_ljit
def lane_functions(kind, x, y):
    """The lane kernels' elementwise functions over an array (a loop that vectorises, as in
    the kernel), for tests: kind 0 exp, 1 expm1, 2 sigmoid, 3 tanh, 4 sigmoid(x) - y,
    5 log1p01, 6 softplus, 7 erf."""
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
    elif kind == 4:
        for w in range(m):
            out[w] = logistic_error(x[w], y[w])
    elif kind == 5:
        for w in range(m):
            out[w] = log1p01(x[w])
    elif kind == 6:
        for w in range(m):
            out[w] = softplus(x[w])
    else:
        for w in range(m):
            out[w] = erf(x[w])
    return out


# ----- explicit SIMD: four float64 in one register ---------------------------------------------
class Float64x4(types.Type):
    """Four float64 values in one LLVM ``<4 x double>`` register (an AVX2 ymm register)."""

    def __init__(self):
        super().__init__(name="float64x4")


#: the numba type of four float64 in one register
float64x4 = Float64x4()
_V4 = ir.VectorType(ir.DoubleType(), 4)


@register_model(Float64x4)
class _Float64x4Model(models.PrimitiveModel):
    def __init__(self, dmm, fe_type):
        super().__init__(dmm, fe_type, _V4)


def _vector_pointer(context, builder, aryty, ary, idxty, idx):
    """Pointer (as ``<4 x double>*``) to ``ary[idx]``; idx an integer or a tuple of ary.ndim."""
    a = context.make_array(aryty)(context, builder, ary)
    inds = [idx] if isinstance(idxty, types.Integer) else cgutils.unpack_tuple(builder, idx)
    types_ = _index_types(idxty)
    inds = [context.cast(builder, i, t, types.intp) for i, t in zip(inds, types_, strict=True)]
    shape = cgutils.unpack_tuple(builder, a.shape)
    strides = cgutils.unpack_tuple(builder, a.strides)
    ptr = cgutils.get_item_pointer2(
        context, builder, a.data, shape, strides, aryty.layout, inds, wraparound=False
    )
    return builder.bitcast(ptr, _V4.as_pointer())


def _index_types(idxty):
    return [idxty] if isinstance(idxty, types.Integer) else list(idxty.types)


def _vector_array(arr, idx):
    """``arr`` a C-contiguous float64 array and ``idx`` one integer index per axis."""
    if not (isinstance(arr, types.Array) and arr.dtype == types.float64 and arr.layout == "C"):
        return False
    if isinstance(idx, types.Integer):
        return arr.ndim == 1
    return (
        isinstance(idx, types.BaseTuple)
        and len(idx) == arr.ndim
        and all(isinstance(t, types.Integer) for t in idx.types)
    )


@intrinsic
def load4(typingctx, arr, idx):
    """``arr[idx]`` and the next three elements along the last axis (the caller keeps them in
    bounds: no check), as a :data:`float64x4`."""
    if not _vector_array(arr, idx):
        return None

    def codegen(context, builder, sig, args):
        ptr = _vector_pointer(context, builder, sig.args[0], args[0], sig.args[1], args[1])
        return builder.load(ptr, align=8)

    return float64x4(arr, idx), codegen


@intrinsic
def store4(typingctx, arr, idx, v):
    """Write the four values of ``v`` to ``arr[idx]`` and the next three elements."""
    if not _vector_array(arr, idx) or v != float64x4:
        return None

    def codegen(context, builder, sig, args):
        ptr = _vector_pointer(context, builder, sig.args[0], args[0], sig.args[1], args[1])
        builder.store(args[2], ptr, align=8)
        return context.get_dummy_value()

    return types.none(arr, idx, v), codegen


@intrinsic
def splat4(typingctx, x):
    """Four copies of the float ``x``."""
    if not isinstance(x, (types.Float, types.Integer)):
        return None

    def codegen(context, builder, sig, args):
        val = context.cast(builder, args[0], sig.args[0], types.float64)
        v = ir.Constant(_V4, ir.Undefined)
        for k in range(4):
            v = builder.insert_element(v, val, ir.Constant(ir.IntType(32), k))
        return v

    return float64x4(x), codegen


def _elementwise(op, doc):
    @intrinsic
    def f(typingctx, a, b):
        if a != float64x4 or b != float64x4:
            return None

        def codegen(context, builder, sig, args):
            return getattr(builder, op)(args[0], args[1])

        return float64x4(a, b), codegen

    f.__doc__ = doc
    return f


add4 = _elementwise("fadd", "a + b, elementwise (IEEE).")
mul4 = _elementwise("fmul", "a * b, elementwise (IEEE).")


@intrinsic
def fma4(typingctx, a, b, c):
    """a * b + c elementwise with one rounding (``llvm.fma``)."""
    if a != float64x4 or b != float64x4 or c != float64x4:
        return None

    def codegen(context, builder, sig, args):
        fnty = ir.FunctionType(_V4, [_V4, _V4, _V4])
        fn = cgutils.get_or_insert_function(builder.module, fnty, "llvm.fma.v4f64")
        return builder.call(fn, args)

    return float64x4(a, b, c), codegen


@intrinsic
def sum4(typingctx, v):
    """((v0 + v1) + v2) + v3: the four partial sums added in a fixed order."""
    if v != float64x4:
        return None

    def codegen(context, builder, sig, args):
        lane = [builder.extract_element(args[0], ir.Constant(ir.IntType(32), k)) for k in range(4)]
        return builder.fadd(builder.fadd(builder.fadd(lane[0], lane[1]), lane[2]), lane[3])

    return types.float64(v), codegen
