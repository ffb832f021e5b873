"""Figure and chart builders: plain data in, plotly figures or altair charts out."""
