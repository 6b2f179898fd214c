"""The per-network numba kernels (``hsr.experiments.kernels.network``) against the library:
their activation and method codes name the same things, and every update direction equals the
numpy reference (``training._Stepper``); and numba's on-disk cache of the kernels package goes
stale when any of its files changes (``kernels._common``)."""

from __future__ import annotations

import shutil

import numpy as np
import pytest
from conftest import ACTIVATIONS, make_problem

from hsr.core.activations import ACTIVATIONS as LIBRARY_ACTIVATIONS
from hsr.core.activations import evaluate
from hsr.experiments import kernels
from hsr.experiments.methods import METHOD_CODES, METHODS
from hsr.experiments.training import TrainConfig, _grad_loss, _Stepper, bias_mask

pytestmark = pytest.mark.skipif(not kernels.HAVE_NUMBA, reason="numba is not installed")


def test_codes_cover_the_library_names():
    assert set(kernels.ACT_CODES) == set(LIBRARY_ACTIVATIONS)
    assert len(set(kernels.ACT_CODES.values())) == len(kernels.ACT_CODES)
    assert kernels.METHOD_CODES is METHOD_CODES
    assert sorted(METHOD_CODES) == sorted(METHODS)
    assert sorted(METHOD_CODES.values()) == list(range(len(METHODS)))


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_activation_code_computes_the_named_activation(activation):
    """The kernel's ``_act(code, u)`` is the library's activation with that name: f, f', f'',
    f''' at points across the range, saturation included."""
    u = np.concatenate([np.linspace(-40.0, 40.0, 161), [-1e-3, 0.0, 1e-3, 0.5, 2.0]])
    code = kernels.ACT_CODES[activation]
    got = np.array([kernels._act(code, float(x)) for x in u])  # (len(u), 4)
    want = np.stack(evaluate(activation, u), axis=1)
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-14)


def _numpy_direction(net, theta, X, y, method):
    cfg = TrainConfig(
        method=method, alpha=0.7, beta=1.3, hessian_weight=0.05, trace_method="assembled"
    )
    stepper = _Stepper(net, X, y, cfg, np.random.default_rng(0))
    fw = stepper.forward(theta)
    g = _grad_loss(fw)
    return g, stepper.direction(theta, fw, g, regularize=True)


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("method", METHODS)
def test_directions_kernel_matches_numpy(activation, method):
    net, theta, X, y = make_problem(2, 3, 9, activation, seed=3, batch=4)
    g_ref, d_ref = _numpy_direction(net, theta, X, y, method)
    Xt = np.concatenate([np.ones((X.shape[0], 1)), X], axis=1)
    G, D = np.empty_like(theta), np.empty_like(theta)
    kernels.directions_kernel(
        theta.copy(),
        Xt,
        y.astype(float),
        net.d_hidden,
        kernels.ACT_CODES[activation],
        METHOD_CODES[method],
        0.7,
        1.3,
        0.05,
        TrainConfig().rho,
        TrainConfig().eta,
        bias_mask(net),
        G,
        D,
    )
    np.testing.assert_allclose(G, g_ref, rtol=1e-10, atol=1e-13)
    np.testing.assert_allclose(D, d_ref, rtol=1e-9, atol=1e-12)


# ----- numba's on-disk cache follows every file of the package --------------------------------
def _cached_dispatchers():
    from numba.core.registry import CPUDispatcher

    from hsr.experiments.kernels import curvature, lanes, network, vecmath

    for module in (network, vecmath, lanes, curvature):
        for name, obj in vars(module).items():
            if isinstance(obj, CPUDispatcher) and obj.__module__ == module.__name__:
                yield f"{module.__name__}.{name}", obj


def test_every_cached_kernel_is_stamped_with_the_whole_package():
    """A kernel calls functions of other files (the lanes call the vector maths), whose code
    numba links into the kernel's cache entry; the entry must go stale when any file of the
    package changes, not only the kernel's own."""
    from hsr.experiments.kernels import _common

    found = dict(_cached_dispatchers())
    assert {
        "hsr.experiments.kernels.lanes.train_lanes_kernel",
        "hsr.experiments.kernels.vecmath.exp",
    } <= set(found)
    for name, disp in found.items():
        locator = disp._cache._impl.locator
        assert isinstance(locator, _common.PACKAGE_LOCATORS), name
        assert locator.get_source_stamp() == _common.package_stamp(), name


def test_the_stamp_changes_with_any_file_of_the_package(tmp_path):
    from hsr.experiments.kernels import _common

    pkg = tmp_path / "kernels"
    shutil.copytree(_common.PACKAGE_DIR, pkg, ignore=shutil.ignore_patterns("__pycache__"))
    stamp = _common.package_stamp(pkg)
    assert stamp == _common.package_stamp()  # the same sources, the same stamp
    for path in sorted(pkg.glob("*.py")):
        original = path.read_text()
        path.write_text(original + "\n# an edit\n")
        assert _common.package_stamp(pkg) != stamp, path.name
        path.write_text(original)
    assert _common.package_stamp(pkg) == stamp


def test_numba_functions_elsewhere_keep_numbas_own_cache_rule(tmp_path, monkeypatch):
    from numba.core import caching

    (tmp_path / "elsewhere_mod.py").write_text(
        "from numba import njit\n\n@njit(cache=True)\ndef f(x):\n    return x + 1\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    import elsewhere_mod

    assert type(elsewhere_mod.f._cache._impl.locator) is caching.InTreeCacheLocator
