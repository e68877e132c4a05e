import { html } from 'htm/preact';
import type { VNode } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import { ApiError, type Stats, type StatsMinute } from '../api';
import { time } from '../format';
import { ErrorBox, PageTitle, useAsync, useSession } from '../ui';

/**
 * Throughput and failures per minute from `/v1/stats` (this replica's counters since it
 * started), drawn with uPlot, with the same numbers as a table for screen readers.
 */
type Counter = Exclude<keyof StatsMinute, 't'>;

interface Line {
  key: Counter;
  label: string;
  stroke: string;
}

const THROUGHPUT: Line[] = [
  { key: 'received', label: 'Received', stroke: '#2563eb' },
  { key: 'delivered', label: 'Delivered', stroke: '#15803d' },
];
const FAILURES: Line[] = [
  { key: 'failed', label: 'Failed attempts', stroke: '#c2410c' },
  { key: 'dead', label: 'Dead', stroke: '#b91c1c' },
];
const HEIGHT = 220;
const REFRESH_MS = 30_000;

function Chart({ title, minutes, lines }: { title: string; minutes: StatsMinute[]; lines: Line[] }): VNode {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return undefined;
    const data: uPlot.AlignedData = [minutes.map((m) => Date.parse(m.t) / 1000), ...lines.map((l) => minutes.map((m) => m[l.key]))];
    const plot = new uPlot(
      {
        width: Math.max(el.clientWidth, 200),
        height: HEIGHT,
        series: [{}, ...lines.map((l) => ({ label: l.label, stroke: l.stroke, width: 2 }))],
        scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(1, max)] } },
        axes: [{}, { size: 50 }],
      },
      data,
      el,
    );
    const resize = new ResizeObserver(() => plot.setSize({ width: Math.max(el.clientWidth, 200), height: HEIGHT }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [minutes, lines]);
  const totals = lines.map((l) => `${l.label}: ${minutes.reduce((n, m) => n + m[l.key], 0)}`).join(', ');
  return html`<figure class="chart">
    <figcaption>${title} <small>(last ${minutes.length} minutes: ${totals})</small></figcaption>
    <div ref=${box} class="chart-box" data-testid=${`chart-${lines[0]?.key ?? ''}`}></div>
  </figure>`;
}

export function StatsView(): VNode {
  const { api } = useSession();
  const stats = useAsync(() => api.get<Stats>('v1/stats', { minutes: 60 }), [api]);
  useEffect(() => {
    const timer = setInterval(stats.reload, REFRESH_MS);
    return () => clearInterval(timer);
  }, []);
  const missing = stats.error instanceof ApiError && stats.error.status === 404;
  const s = stats.data;
  return html`<section>
    <${PageTitle}>Charts</${PageTitle}>
    <p class="lede">Per minute, from this relay replica's counters since it started. Refreshes every 30 s.</p>
    ${missing
      ? html`<p class="notice" role="status">This relay does not report stats (GET /v1/stats answered 404): it predates them.</p>`
      : html`<${ErrorBox} error=${stats.error} />`}
    ${s &&
    html`<dl class="figures">
        <div><dt>Pending deliveries</dt><dd data-testid="pending">${s.pending}</dd></div>
        <div><dt>Dead deliveries</dt><dd data-testid="dead">${s.dead}</dd></div>
      </dl>
      <${Chart} title="Throughput" minutes=${s.minutes} lines=${THROUGHPUT} />
      <${Chart} title="Failures" minutes=${s.minutes} lines=${FAILURES} />
      <details>
        <summary>The numbers as a table</summary>
        <table class="rows">
          <thead><tr><th scope="col">Minute</th>${[...THROUGHPUT, ...FAILURES].map((l) => html`<th scope="col">${l.label}</th>`)}</tr></thead>
          <tbody>
            ${s.minutes.map(
              (m) => html`<tr key=${m.t}>
                <td data-label="Minute">${time(m.t)}</td>
                ${[...THROUGHPUT, ...FAILURES].map((l) => html`<td data-label=${l.label}>${m[l.key]}</td>`)}
              </tr>`,
            )}
          </tbody>
        </table>
      </details>`}
    <p><button type="button" onClick=${stats.reload} disabled=${stats.loading}>Refresh</button></p>
  </section>`;
}
