// One product's daily forecast with its 95 % band (uPlot, like Inicio's chart), sized to its
// container so it fits a phone. Loaded lazily with the dialog that shows it.
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { t } from '../../i18n/index.ts';
import { calendarDate } from '../../lib/format.ts';
import type { ForecastPoint } from './model.ts';

const s = t.purchasing.chart;
const HEIGHT = 220;

export default function ForecastChart({ name, points }: { name: string; points: ForecastPoint[] }) {
  const container = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const el = container.current;
    if (!el) return;
    // Floats only for drawing; the table below the chart shows the exact values.
    const xs = points.map((_, i) => i);
    const data: uPlot.AlignedData = [xs, points.map((p) => Number(p.demand)), points.map((p) => Number(p.low)), points.map((p) => Number(p.high))];
    const opts: uPlot.Options = {
      width: Math.max(260, el.clientWidth),
      height: HEIGHT,
      scales: { x: { time: false }, y: { range: (_u, _min, max) => [0, Math.max(1, max * 1.1)] } },
      legend: { show: true, live: false },
      cursor: { points: { show: false } },
      axes: [
        { values: (_u, splits) => splits.map((i) => (points[i] ? calendarDate(points[i].date).slice(0, 5) : '')), stroke: '#556170', grid: { show: false } },
        { size: 50, stroke: '#556170', grid: { stroke: '#e8edf2' } },
      ],
      series: [
        { label: s.date },
        { label: s.demand, stroke: '#1f5f8b', width: 2, points: { show: false } },
        { label: s.low, stroke: 'rgba(31, 95, 139, 0.35)', dash: [4, 4], points: { show: false } },
        { label: s.high, stroke: 'rgba(31, 95, 139, 0.35)', dash: [4, 4], points: { show: false } },
      ],
      // The band between "low" (2) and "high" (3).
      bands: [{ series: [3, 2], fill: 'rgba(31, 95, 139, 0.15)' }],
    };
    const plot = new uPlot(opts, data, el);
    const resize = new ResizeObserver(() => plot.setSize({ width: Math.max(260, el.clientWidth), height: HEIGHT }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [points]);

  return <div ref={container} className="chart forecast-chart" role="img" aria-label={s.aria(name, points.length)} />;
}
