"""The pages of the explorer, in menu order: what the router mounts and what the home page lists."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PageInfo:
    path: str  # page script, relative to app/
    url: str  # URL path segment ("" for home)
    title: str
    icon: str
    blurb: str  # one or two sentences for the home page
    charts: bool = True  # False for a page of text and links (the tour)


PAGES: tuple[PageInfo, ...] = (
    PageInfo("views/home.py", "", "Home", ":material/home:", "What the explorer shows and where."),
    PageInfo(
        "views/solver_lab.py",
        "solver_lab",
        "Solver lab",
        ":material/functions:",
        "Euler against RK4 on Lotka–Volterra, then any system and method: trajectories, measured orders of "
        "convergence, work–precision, and how an adaptive solver picks its steps.",
    ),
    PageInfo(
        "views/phase_portraits.py",
        "phase_portraits",
        "Phase portraits",
        ":material/cyclone:",
        "Pendulum, predator–prey, Lorenz, linear systems of every type, or equations you type: the vector "
        "field, nullclines, classified fixed points, trajectories from a click, a flowing cloud, and 3-D.",
    ),
    PageInfo(
        "views/node_anode_lab.py",
        "node_anode_lab",
        "NODE vs ANODE lab",
        ":material/scatter_plot:",
        "Neural ODEs and Augmented Neural ODEs on half moons, circles and the 1-D flip, trained live side by "
        "side: decision regions, flows in 2-D and 3-D, the vector field, and the race in function evaluations.",
    ),
    PageInfo(
        "views/how_they_learn.py",
        "how_they_learn",
        "How Neural ODEs learn",
        ":material/school:",
        "Backprop through the solver against the adjoint, measured: O(L) against O(1) memory and equal "
        "gradients; the paper's NFE study live; a ResNet becoming an ODE-Net; a vector field learned from noisy data.",
    ),
    PageInfo(
        "views/latent_spirals.py",
        "latent_spirals",
        "Latent spirals",
        ":material/gesture:",
        "A latent ODE (ODE-VAE) against an RNN on noisy spirals: extrapolation from the first points, the "
        "latent path in 3-D, a slider that morphs one spiral into another through latent space, prior "
        "samples, and the paper's Table 2.",
    ),
    PageInfo(
        "views/ode_nets.py",
        "ode_nets",
        "ODE-Nets on images",
        ":material/grid_on:",
        "The paper's Table 1 measured on handwritten digits: an MLP, a ResNet, an RK-Net and an ODE-Net; an "
        "image flowing through the ODE block, accuracy against solver tolerance, mistakes, and live training.",
    ),
    PageInfo(
        "views/flows.py",
        "flows",
        "Normalizing flows",
        ":material/blur_on:",
        "A continuous normalizing flow turns a Gaussian into two moons, rings or a checkerboard: the density, "
        "samples and field over time, the planar flow beside it, exact trace against Hutchinson, and "
        "regularisation that cuts the solver's work.",
    ),
    PageInfo(
        "views/tour.py",
        "tour",
        "Guided tour",
        ":material/co_present:",
        "A prepared sequence of views for a twenty-minute talk, each step a link with its caption and "
        "Previous / Next.",
        charts=False,
    ),
)
