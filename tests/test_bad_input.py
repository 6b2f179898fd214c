"""Bad input as a new user types it: every public function that takes a network refuses
anything but an ``hsr.Net`` with a ValueError naming ``net`` (not an AttributeError from deep
inside), and the sweep settings that numpy could not hold or that fail only later are refused
up front, by the library and by ``hsr run --dry-run``."""

from __future__ import annotations

import inspect

import numpy as np
import pytest

import hsr

NET = hsr.Net(2, 3, "sigmoid")
RNG = np.random.default_rng(0)
THETA = RNG.normal(size=NET.n_params)
X = RNG.normal(size=(6, 2))
Y = np.array([0, 1, 0, 1, 1, 0.0])
# a valid value for every other argument of the functions below, by name
ARGS = {
    "theta": THETA,
    "theta0": THETA,
    "X": X,
    "y": Y,
    "X_test": X,
    "y_test": Y,
    "dataset": hsr.two_gaussians(n_train=6, n_test=6, seed=0),
    "seeds": [1, 2],
    "low": -1.0,
    "high": 1.0,
    "V": THETA,
    "v": THETA,
    "direction": THETA,
    "points": THETA[None],
    "steps": np.linspace(-1.0, 1.0, 3),
    "step": 0.1,
    "config": hsr.TrainConfig(max_iter=2),
    "mean0": (-1.0, -1.0),
    "mean1": (1.0, 1.0),
    "scale": 2.0,
}


def _takes_net():
    """Every public function of ``hsr`` (the three floors' packages) with a ``net`` argument."""
    out = []
    for name in sorted(hsr.__all__):
        fn = getattr(hsr, name)
        if inspect.isfunction(fn) and "net" in inspect.signature(fn).parameters:
            out.append(fn)
    return out


TAKES_NET = _takes_net()


def test_the_list_is_the_one_the_readme_means():
    names = {f.__name__ for f in TAKES_NET}
    assert {"ws_bounds", "hessian", "loss", "train", "norm_bounds", "critical_point_stats"} <= names
    assert len(names) >= 30


@pytest.mark.parametrize("fn", TAKES_NET, ids=lambda f: f.__name__)
@pytest.mark.parametrize("bad", ["sigmoid", None, (2, 3, "sigmoid")], ids=["str", "None", "tuple"])
def test_every_function_taking_a_net_names_it(fn, bad):
    params = inspect.signature(fn).parameters
    kwargs = {
        p: ARGS[p]
        for p, spec in params.items()
        if p != "net" and spec.default is inspect.Parameter.empty and p in ARGS
    }
    missing = [
        p
        for p, spec in params.items()
        if p != "net"
        and spec.default is inspect.Parameter.empty
        and spec.kind not in (spec.VAR_KEYWORD, spec.VAR_POSITIONAL)
        and p not in kwargs
    ]
    assert not missing, f"give the test a value for {missing}"
    with pytest.raises(ValueError, match=r"^net must be an hsr\.Net"):
        fn(bad, **kwargs)


def test_the_plot_of_a_decision_boundary_names_net_too():
    pytest.importorskip("matplotlib")
    from hsr.book.plotting import plot_decision_boundary

    with pytest.raises(ValueError, match=r"^net must be an hsr\.Net"):
        plot_decision_boundary(None, "sigmoid", THETA, X, Y)


@pytest.mark.parametrize(
    "kw, match",
    [
        ({"n_seeds": 10**20}, r"n_seeds must be a positive integer at most 2\*\*63 - 1"),
        ({"max_iter": 2**64}, r"max_iter must be a positive integer at most 2\*\*63 - 1"),
        ({"seed_start": 2**63 - 10, "n_seeds": 20}, r"seed_start \+ n_seeds must be at most"),
        ({"mean0": [0]}, r"mean0 must be 2 finite numbers, got \[0\]"),
        ({"mean1": (1.0, 2.0, 3.0)}, r"mean1 must be 2 finite numbers"),
        ({"mean0": [[1.0, 2.0]]}, r"mean0 must be 2 finite numbers"),
        ({"mean1": "ab"}, r"mean1 must be an array of real numbers"),
        ({"mean0": (0.0, float("nan"))}, r"mean0 must be finite"),
    ],
)
def test_sweep_settings_refused_up_front(kw, match):
    """Each of these passed the config and failed later (a numpy TypeError not naming the
    parameter; a mean of the wrong length when the data were drawn), or not at all."""
    with pytest.raises(ValueError, match=match):
        hsr.SweepConfig(**kw)


def test_a_valid_mean_is_kept_as_floats():
    assert hsr.SweepConfig(mean0=[1, 2]).mean0 == (1.0, 2.0)


def test_dry_run_refuses_an_integer_numpy_cannot_hold(tmp_path, capsys):
    """``hsr run --dry-run -p n_seeds 1e20-as-an-integer`` was accepted and failed in the
    kernel: an integer parameter must fit numpy's 64-bit integers."""
    nbformat = pytest.importorskip("nbformat")
    pytest.importorskip("yaml")
    from hsr.book.cli import main

    root = tmp_path / "proj"
    (root / "notebooks" / "profiles").mkdir(parents=True)
    (root / "_toc.yml").write_text("format: jb-book\nroot: index\n")
    (root / "notebooks" / "profiles" / "paper.yml").write_text("")
    nb = nbformat.v4.new_notebook()
    nb.cells.append(nbformat.v4.new_code_cell("n_seeds = 3000", metadata={"tags": ["parameters"]}))
    nbformat.write(nb, root / "notebooks" / "ws-fig02.ipynb")
    argv = ["run", "--root", str(root), "ws-fig02", "--dry-run", "-p", "n_seeds"]
    assert main(argv + [str(10**20)]) == 2
    err = capsys.readouterr().err
    assert "parameter 'n_seeds' of notebook ws-fig02 expects int" in err
    assert "beyond numpy's 64-bit integers" in err
    assert main(argv + [str(2**63 - 1)]) == 0
