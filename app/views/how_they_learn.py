"""How Neural ODEs learn: the adjoint's O(1) memory measured, the paper's NFE study live, from ResNets to
ODE-Nets on the textbook regression, and learning a vector field from noisy trajectories.

Each tab's body lives in `tabs/`; this script mounts them."""

from kit.page import PageScaffold
from kit.page_views import HowTheyLearnView
from tabs import learn_dynamics, learn_memory, learn_nfe, learn_resnet

TITLE = "How Neural ODEs learn"

page = PageScaffold(
    "learn",
    HowTheyLearnView,
    TITLE,
    "Training a Neural ODE means differentiating through an ODE solver. Backpropagating through its steps "
    "stores every step; the adjoint method solves a second ODE backwards instead. Here both are measured, "
    "the Neural ODE paper's NFE figure is rerun live, a ResNet becomes an ODE-Net, and a vector field is "
    "learned from noisy samples.",
)
links = page.links

tabs = links.tabs(["Adjoint memory", "NFE study", "ResNet to ODE-Net", "Learning dynamics"])
for tab, body in zip(tabs, (learn_memory, learn_nfe, learn_resnet, learn_dynamics), strict=True):
    with tab:
        if tab.open:
            body.render(links)

page.finish()
