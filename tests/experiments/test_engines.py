"""The numba engine of the closed-form gradients against the numpy reference.

``engine="numba"`` runs the training loop's kernels (assembled form); it must equal the
numpy closed forms (themselves checked against JAX in test_oracle_agreement.py) to
round-off, for all five activations and the shapes of conftest.SIZES, single and batched.
"""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from conftest import ACTIVATIONS, SIZES, assert_rel, make_problem

import hsr
from hsr.core import gradients

pytest.importorskip("numba")

FUNCS = {
    "grad_trace_hessian": hsr.grad_trace_hessian,
    "grad_trace_hessian_squared": hsr.grad_trace_hessian_squared,
    "grad_ws_upper_bound": hsr.grad_ws_upper_bound,
}


@pytest.mark.parametrize("name", list(FUNCS))
@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("size", SIZES, ids=[f"d{d}h{h}N{N}" for d, h, N in SIZES])
@pytest.mark.parametrize("batch", [None, 4])
def test_numba_equals_numpy(name, activation, size, batch):
    fn = FUNCS[name]
    net, theta, X, y = make_problem(*size, activation, batch=batch)
    ref = fn(net, theta, X, y, engine="numpy")
    got = fn(net, theta, X, y, engine="numba")
    assert got.shape == ref.shape == np.shape(theta)
    if batch is None:
        assert_rel(got, ref, 1e-12)
    else:
        for b in range(batch):
            assert_rel(got[b], ref[b], 1e-12)
    assert_rel(fn(net, theta, X, y, engine="auto"), ref, 1e-12)


@pytest.mark.parametrize("activation", ["sigmoid", "gelu"])
def test_numba_equals_numpy_larger_and_trained_like(activation):
    # wider layer, more samples, large weights (saturated units, tiny s_i)
    net, theta, X, y = make_problem(3, 12, 40, activation, batch=3, scale=3.0)
    for fn in FUNCS.values():
        ref = fn(net, theta, X, y)
        got = fn(net, theta, X, y, engine="numba")
        for b in range(3):
            assert_rel(got[b], ref[b], 1e-12)


def test_numba_accepts_assembled_and_refuses_pairwise():
    net, theta, X, y = make_problem(2, 3, 9, "tanh")
    ref = hsr.grad_ws_upper_bound(net, theta, X, y, method="pairwise")
    assert_rel(
        hsr.grad_ws_upper_bound(net, theta, X, y, method="assembled", engine="numba"), ref, 1e-12
    )
    with pytest.raises(ValueError, match="engine='numba' computes the assembled form"):
        hsr.grad_ws_upper_bound(net, theta, X, y, method="pairwise", engine="numba")
    # auto with a forced pairwise method stays with numpy
    assert gradients.resolve_engine("auto", net, 1, 9, method="pairwise") == "numpy"


@pytest.mark.parametrize("name", list(FUNCS))
@pytest.mark.parametrize("bad", ["Numba", "jax", None, 1])
def test_unknown_engine(name, bad):
    net, theta, X, y = make_problem(2, 3, 9, "tanh")
    with pytest.raises(ValueError, match="engine must be one of"):
        FUNCS[name](net, theta, X, y, engine=bad)


@pytest.mark.parametrize("engine", ["numba", "auto"])
def test_engine_still_validates_inputs(engine):
    net, theta, X, y = make_problem(2, 3, 9, "tanh")
    with pytest.raises(ValueError, match="theta must have shape"):
        hsr.grad_ws_upper_bound(net, theta[:-1], X, y, engine=engine)
    with pytest.raises(ValueError, match="y must hold only labels"):
        hsr.grad_ws_upper_bound(net, theta, X, y + 2, engine=engine)
    with pytest.raises(ValueError, match="method must be one of"):
        hsr.grad_ws_upper_bound(net, theta, X, y, method="fast", engine=engine)


def test_without_the_engine_numba_raises_and_auto_is_numpy(monkeypatch):
    net, theta, X, y = make_problem(2, 3, 9, "tanh")
    monkeypatch.setitem(gradients._ENGINE_LOADERS, "numba", lambda: None)
    monkeypatch.setattr(gradients, "_ENGINE_CACHE", {})
    with pytest.raises(ValueError, match="needs numba"):
        hsr.grad_ws_upper_bound(net, theta, X, y, engine="numba")
    assert gradients.resolve_engine("auto", net, 1, 9) == "numpy"
    np.testing.assert_array_equal(
        hsr.grad_ws_upper_bound(net, theta, X, y, engine="auto"),
        hsr.grad_ws_upper_bound(net, theta, X, y),
    )


def test_auto_rule_picks_by_size():
    small, wide = hsr.Net(2, 3, "sigmoid"), hsr.Net(2, 100, "sigmoid")
    assert gradients.resolve_engine("auto", small, 1, 100) == "numba"
    assert gradients.resolve_engine("auto", small, 256, 100) == "numba"
    assert gradients.resolve_engine("auto", wide, 1, 100) == "numpy"  # pairwise numpy wins
    assert gradients.resolve_engine("numpy", small, 1, 100) == "numpy"


def test_core_gradients_import_without_numba():
    """With numba unimportable, the gradients module loads and 'numba' is a clear error."""
    code = (
        "import sys; sys.modules['numba'] = None\n"
        "import numpy as np, hsr\n"
        "from hsr.core import gradients\n"
        "net = hsr.Net(2, 3, 'tanh'); X = np.ones((4, 2)); y = np.array([0, 1, 0, 1])\n"
        "t = np.full(net.n_params, 0.1)\n"
        "assert 'numba' not in [m for m in sys.modules if sys.modules[m] is not None]\n"
        "hsr.grad_ws_upper_bound(net, t, X, y, engine='auto')\n"
        "try:\n"
        "    hsr.grad_ws_upper_bound(net, t, X, y, engine='numba')\n"
        "except ValueError as exc:\n"
        "    assert 'needs numba' in str(exc); print('ok')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"


def test_import_hsr_does_not_import_numba():
    code = "import sys, hsr; print('numba' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "False"


def test_resolve_engine_checks_kind():
    with pytest.raises(ValueError, match="kind must be one of"):
        gradients.resolve_engine("auto", hsr.Net(2, 3), 1, 10, kind="hessian")


def test_warm_up_compiles_the_training_and_gradient_kernels():
    """``make test`` / ``make book`` warm numba's on-disk cache first (hsr.experiments.engines)."""
    from hsr.experiments.engines import warm_up

    assert warm_up() is True


# ----- the default engine (issue 19): the fastest correct one, numpy without numba ------------
@pytest.mark.parametrize("name", list(FUNCS))
def test_the_default_call_uses_the_engine_auto_picks(name, monkeypatch):
    """Called as the README shows (no engine=), a gradient runs the engine resolve_engine
    picks for "auto": numba for the small network here, and equals the numpy reference."""
    net, theta, X, y = make_problem(2, 3, 9, "tanh", batch=4)
    assert gradients.resolve_engine("auto", net, 4, 9) == "numba"
    fn = gradients._engine_function("numba")
    calls = []
    monkeypatch.setitem(gradients._ENGINE_CACHE, "numba", lambda *a: calls.append(a[0]) or fn(*a))
    got = FUNCS[name](net, theta, X, y)
    assert len(calls) == 1
    assert_rel(got, FUNCS[name](net, theta, X, y, engine="numpy"), 1e-12)
    # the numpy reference stays selectable: no compiled call
    FUNCS[name](net, theta, X, y, engine="numpy")
    assert len(calls) == 1


#: run before the code of the no-numba subprocesses below: numba and all its submodules
#: cannot be imported, as after ``pip install hsr`` without the ``fast`` extra
BLOCK_NUMBA = (
    "import sys, importlib.abc\n"
    "class _NoNumba(importlib.abc.MetaPathFinder):\n"
    "    def find_spec(self, name, path=None, target=None):\n"
    "        if name == 'numba' or name.startswith('numba.'):\n"
    "            raise ModuleNotFoundError(f'No module named {name!r}', name=name)\n"
    "sys.meta_path.insert(0, _NoNumba())\n"
)


def test_without_numba_the_defaults_fall_back_to_numpy():
    """A plain ``pip install hsr`` (numba blocked by a meta path finder): every default works,
    on the numpy engine, with the numpy engine's results bit for bit; "numba" is a clear
    error; the training default trains with numpy."""
    code = BLOCK_NUMBA + (
        "import numpy as np, hsr\n"
        "from hsr.core import gradients\n"
        "from hsr.experiments import kernels\n"
        "from hsr.experiments.engines import warm_up\n"
        "assert not kernels.HAVE_NUMBA and warm_up() is False\n"
        "rng = np.random.default_rng(0)\n"
        "net = hsr.Net(2, 3, 'sigmoid'); X = rng.normal(size=(40, 2)); y = np.arange(40) % 2\n"
        "t = rng.uniform(-2, 2, (5, net.n_params))\n"
        "for B in (1, 5, 256):\n"
        "    assert gradients.resolve_engine('auto', net, B, 40) == 'numpy'\n"
        "for f in (hsr.grad_trace_hessian, hsr.grad_trace_hessian_squared,\n"
        "          hsr.grad_ws_upper_bound):\n"
        "    assert np.array_equal(f(net, t, X, y), f(net, t, X, y, engine='numpy'))\n"
        "    assert np.array_equal(f(net, t[0], X, y), f(net, t[0], X, y, engine='numpy'))\n"
        "    try:\n"
        "        f(net, t, X, y, engine='numba')\n"
        "        raise SystemExit('engine=numba did not raise')\n"
        "    except ValueError as exc:\n"
        "        assert 'needs numba' in str(exc)\n"
        "res = hsr.train(net, t, X, y, method='hsr', max_iter=5)\n"
        "assert res.config['engine'] == 'numpy'\n"
        "ref = hsr.train(net, t, X, y, method='hsr', max_iter=5, engine='numpy')\n"
        "assert np.array_equal(res.theta, ref.theta)\n"
        "assert not any(m == 'numba' or m.startswith('numba.') for m in sys.modules)\n"
        "print('ok')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"
