// 30 days of sales and receipts (value at cost) with uPlot, sized to its container so it fits a
// 360 px phone as well as a desktop. Loaded lazily: the numbers above render first.
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { Empty } from '../../components/states.tsx';
import { t } from '../../i18n/index.ts';
import { calendarDate } from '../../lib/format.ts';
import type { DailyPoint } from './summary.ts';

const HEIGHT = 240;

export default function DailyChart({ daily }: { daily: DailyPoint[] }) {
  const container = useRef<HTMLDivElement>(null);
  const empty = daily.every((d) => Number(d.sales_value) === 0 && Number(d.receipts_value) === 0);

  useEffect(() => {
    const el = container.current;
    if (!el || empty) return;
    // x: day index (labelled with the date); y: value at cost. Floats only for drawing.
    const xs = daily.map((_, i) => i);
    const data: uPlot.AlignedData = [xs, daily.map((d) => Number(d.sales_value)), daily.map((d) => Number(d.receipts_value))];
    // Grouped bars: sales to the left of each day's tick, receipts to the right.
    const salesBars = uPlot.paths.bars!({ size: [0.38, 16], align: -1 });
    const receiptBars = uPlot.paths.bars!({ size: [0.38, 16], align: 1 });
    const opts: uPlot.Options = {
      width: Math.max(280, el.clientWidth),
      height: HEIGHT,
      scales: { x: { time: false } },
      legend: { show: true, live: false },
      cursor: { points: { show: false } },
      axes: [
        {
          values: (_u, splits) => splits.map((i) => (daily[i] ? calendarDate(daily[i].date).slice(0, 5) : '')),
          stroke: '#556170',
          grid: { show: false },
        },
        { values: (_u, splits) => splits.map((v) => compactMoney(v)), size: 70, stroke: '#556170', grid: { stroke: '#e8edf2' } },
      ],
      series: [
        { label: t.home.date },
        { label: t.home.sales, stroke: '#1f5f8b', fill: 'rgba(31, 95, 139, 0.75)', paths: salesBars, points: { show: false } },
        { label: t.home.receipts, stroke: '#b45309', fill: 'rgba(180, 83, 9, 0.7)', paths: receiptBars, points: { show: false } },
      ],
    };
    const plot = new uPlot(opts, data, el);
    const resize = new ResizeObserver(() => plot.setSize({ width: Math.max(280, el.clientWidth), height: HEIGHT }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [daily, empty]);

  if (empty) return <Empty>{t.home.noMovements}</Empty>;
  return <div ref={container} className="chart" role="img" aria-label={t.home.dailyTitle(daily.length)} />;
}

function compactMoney(value: number): string {
  return new Intl.NumberFormat('es-AR', { style: 'currency', currency: 'ARS', notation: 'compact', maximumFractionDigits: 1 }).format(value);
}
