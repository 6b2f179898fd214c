"""Parameter layout (book/model.md) and the package boundary."""

from __future__ import annotations

import subprocess
import sys

import numpy as np

import hsr


def test_layout_is_column_major_with_bias_first():
    net = hsr.Net(2, 3, "linear")
    W1 = np.array([[10.0, 11, 12], [20, 21, 22], [30, 31, 32]])  # rows: hidden units
    w2 = np.array([0.5, 1.0, 2.0, 3.0])
    theta = net.pack(W1, w2)
    np.testing.assert_array_equal(theta[:9], W1.flatten(order="F"))
    np.testing.assert_array_equal(theta[9:], w2)
    assert net.n_params == 3 * 3 + 4 == theta.size


def test_unpack_pack_roundtrip_batched():
    net = hsr.Net(3, 4, "gelu")
    theta = np.random.default_rng(0).normal(size=(5, net.n_params))
    W1, w2 = net.unpack(theta)
    assert W1.shape == (5, 4, 4) and w2.shape == (5, 5)
    np.testing.assert_array_equal(net.pack(W1, w2), theta)


def test_forward_matches_definition():
    net = hsr.Net(2, 3, "tanh")
    rng = np.random.default_rng(1)
    W1, w2 = rng.normal(size=(3, 3)), rng.normal(size=4)
    X = rng.normal(size=(4, 2))
    fw = net.forward(net.pack(W1, w2), X, [0, 1, 0, 1])
    for i, x in enumerate(X):
        a = np.tanh(W1 @ np.r_[1.0, x])
        z = w2 @ np.r_[1.0, a]
        assert fw.z[0, i] == np.float64(fw.z[0, i])
        np.testing.assert_allclose(fw.z[0, i], z, rtol=1e-14)


def test_import_hsr_pulls_in_no_heavy_dependency():
    code = (
        "import sys, hsr; bad = [m for m in sys.modules "
        "if m.split('.')[0] in ('jax', 'matplotlib', 'jupyter', 'IPython', 'seaborn')]; "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_public_api_names():
    for name in [
        "Net",
        "loss",
        "grad_loss",
        "hessian",
        "trace_hessian",
        "trace_hessian_squared",
        "ws_upper_bound",
        "ws_lower_bound",
        "grad_trace_hessian",
        "grad_trace_hessian_squared",
        "grad_ws_upper_bound",
        "hessian_spectrum",
    ]:
        assert callable(getattr(hsr, name)), name
    assert set(hsr.__all__) <= set(dir(hsr))
