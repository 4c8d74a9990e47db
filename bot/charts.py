"""The digest's chart: requests created and closed per day, with the share completed
on time (the SLA line) on a second axis. A PNG rendered with matplotlib's Agg
backend through the object API (no pyplot state), in a worker thread."""

from __future__ import annotations

import asyncio
import io
from dataclasses import dataclass

from domain.services.reports import DayLine


@dataclass(frozen=True)
class ChartLabels:
    title: str
    created: str
    closed: str
    sla: str


def render_chart(days: tuple[DayLine, ...], labels: ChartLabels) -> bytes:
    # Imported here: matplotlib costs most of a second, paid when a digest is drawn
    # rather than at every start of the bot.
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    figure = Figure(figsize=(8, 4), dpi=100)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot(1, 1, 1)
    x = list(range(len(days)))
    width = 0.4
    axes.bar([i - width / 2 for i in x], [d.created for d in days], width, label=labels.created)
    axes.bar([i + width / 2 for i in x], [d.closed for d in days], width, label=labels.closed)
    axes.set_xticks(x, [f"{d.day:%d.%m}" for d in days])
    axes.set_title(labels.title)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    sla = axes.twinx()
    points = [
        (i, 100 * d.completed_on_time / d.completed)
        for i, d in zip(x, days, strict=True)
        if d.completed
    ]
    sla.plot(
        [p[0] for p in points],
        [p[1] for p in points],
        color="tab:red",
        marker="o",
        label=labels.sla,
    )
    sla.set_ylim(0, 105)
    sla.set_ylabel("%")
    handles = axes.get_legend_handles_labels()
    more = sla.get_legend_handles_labels()
    axes.legend(
        handles[0] + more[0],
        handles[1] + more[1],
        loc="upper center",
        bbox_to_anchor=(0.5, -0.1 if len(days) <= 10 else -0.18),
        ncol=3,
        fontsize="small",
        frameon=False,
    )
    if len(days) > 10:
        axes.tick_params(axis="x", labelrotation=60, labelsize="small")
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


async def chart_png(days: tuple[DayLine, ...], labels: ChartLabels) -> bytes:
    """``render_chart`` off the event loop."""
    return await asyncio.to_thread(render_chart, days, labels)
