"""The 1-D flip figure (components/flow_path_figures.flip1d_figure) laid out for a projector's fold: under
LOW_HEIGHT its legend goes beside the outputs' row instead of taking 70 px over the paths, and its rows keep
room for the top row's axis title at the presenter's size (tour step 12)."""

import numpy as np
import pytest

from components.flow_panels import LOW_HEIGHT, Panel
from components.flow_path_figures import FLIP_HEIGHT, FLIP_LOW_GAP_PX, FLIP_LOW_TOP_PX, flip1d_figure

N = 8
INPUTS = np.linspace(-1, 1, N)


def _panel(label: str, discrete: bool = False) -> Panel:
    t = np.linspace(0, 1, 4)
    states = np.stack([INPUTS[:, None] * (1 - k) for k in t])  # (T, N, 1)
    return Panel(label, t, states, ("z0",), discrete)


def _figure(height: int):
    panels = [_panel("NODE"), _panel("ANODE"), _panel("ResNet", discrete=True)]
    return flip1d_figure(panels, INPUTS, [np.zeros(N), -INPUTS, -INPUTS], height)


def test_a_projector_s_flip_keeps_its_legend_beside_the_outputs_and_its_top_margin_small():
    fig = _figure(434)
    assert fig.layout.height == 434 < LOW_HEIGHT
    legend = fig.layout.legend
    # Right of the plots, at the foot of the figure: beside the outputs' row, under the colour bar.
    assert legend.x > 1 and legend.yref == "paper" and legend.y == 0 and legend.yanchor == "bottom"
    assert fig.layout.margin.t == FLIP_LOW_TOP_PX <= 50
    bottom_row_top = fig.layout.yaxis4.domain[1]
    assert legend.y < bottom_row_top  # no legend entry beside the paths' row


def test_a_projector_s_flip_keeps_its_rows_far_enough_apart_in_pixels():
    fig = _figure(434)
    top, bottom = fig.layout.yaxis.domain, fig.layout.yaxis4.domain
    plot = fig.layout.height - fig.layout.margin.t - fig.layout.margin.b
    # Presenter text (1.6 x 12 px): the top row's tick labels and its title "t", about 80 px.
    assert (top[0] - bottom[1]) * plot == pytest.approx(FLIP_LOW_GAP_PX) and FLIP_LOW_GAP_PX >= 80
    assert [fig.layout[f"yaxis{k}"].dtick for k in (4, 5, 6)] == [1, 1, 1]  # three labels, not five


def test_a_laptop_s_flip_is_unchanged():
    fig = _figure(FLIP_HEIGHT)
    assert fig.layout.height == 660
    assert fig.layout.legend.yref == "container" and fig.layout.legend.y > 0.9  # on top
    assert fig.layout.yaxis4.dtick is None
