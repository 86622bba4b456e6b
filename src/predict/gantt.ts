/**
 * An SVG Gantt chart of a timed run: one row per instance, one bar per action (parallel actions of an
 * instance on separate lanes), the critical path in red, each behavior's span as a line under its row.
 * Plain SVG 1.1 with `<title>` tooltips: opens in any browser.
 */
import type { BehaviorSpan, Bar } from './analysis.js';

/** What the chart shows. */
export interface GanttInput {
  /** The chart's title. */
  readonly title: string;
  /** The actions. */
  readonly bars: readonly Bar[];
  /** The behavior spans. */
  readonly behaviors: readonly BehaviorSpan[];
  /** The end of the time axis (the makespan), in ms. */
  readonly makespan: number;
}

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** A time in seconds, as short as exact: `13 s`, `2.5 s`, `0.25 s`. */
export function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))} s`;
}

function tickStep(span: number): number {
  const raw = span / 10;
  const p = 10 ** Math.floor(Math.log10(Math.max(raw, 1)));
  return [1, 2, 5, 10].map((k) => k * p).find((s) => s >= raw) ?? 10 * p;
}

/** The chart as an SVG document. */
export function ganttSvg(input: GanttInput): string {
  const instances: string[] = [];
  for (const x of [...input.behaviors.map((b) => b.instance), ...input.bars.map((b) => b.instance)]) if (!instances.includes(x)) instances.push(x);
  const span = Math.max(input.makespan, ...input.bars.map((b) => b.end), 1);
  const left = 130;
  const width = 900;
  const laneH = 18;
  const x = (t: number): number => left + (t / span) * width;
  const rows: string[] = [];
  let y = 50;
  for (const inst of instances) {
    const bars = input.bars.filter((b) => b.instance === inst);
    const laneEnds: number[] = [];
    const lanes = bars.map((b) => {
      let lane = laneEnds.findIndex((e) => e <= b.start);
      if (lane < 0) lane = laneEnds.push(0) - 1;
      laneEnds[lane] = b.end;
      return lane;
    });
    const nLanes = Math.max(1, laneEnds.length);
    const rowH = nLanes * (laneH + 4) + 14;
    rows.push(`<text x="8" y="${y + 14}" class="inst">${esc(inst)}</text>`);
    rows.push(`<line x1="${left}" x2="${left + width}" y1="${y + rowH}" y2="${y + rowH}" class="sep"/>`);
    bars.forEach((b, i) => {
      const by = y + lanes[i]! * (laneH + 4) + 2;
      const w = Math.max(1, x(b.end) - x(b.start));
      const tip = `${inst}.${b.transition} (${b.behavior}): ${seconds(b.start)} → ${seconds(b.end)}${b.critical ? ', critical' : ''}`;
      rows.push(
        `<g><title>${esc(tip)}</title><rect x="${x(b.start).toFixed(1)}" y="${by}" width="${w.toFixed(1)}" height="${laneH}" class="${b.critical ? 'crit' : 'bar'}"/>` +
          (w > b.transition.length * 7 ? `<text x="${(x(b.start) + 3).toFixed(1)}" y="${by + 13}" class="lbl">${esc(b.transition)}</text>` : '') +
          `</g>`,
      );
    });
    const by = y + nLanes * (laneH + 4) + 6;
    for (const s of input.behaviors.filter((b) => b.instance === inst)) {
      const end = s.end ?? span;
      rows.push(
        `<g><title>${esc(`${inst}: behavior ${s.behavior} ${seconds(s.start)} → ${s.end === undefined ? 'never finished' : seconds(end)}`)}</title>` +
          `<line x1="${x(s.start).toFixed(1)}" x2="${x(end).toFixed(1)}" y1="${by}" y2="${by}" class="beh"/>` +
          `<text x="${(x(s.start) + 2).toFixed(1)}" y="${by + 10}" class="blbl">${esc(s.behavior)}</text></g>`,
      );
    }
    y += rowH + 8;
  }
  const step = tickStep(span);
  const ticks: string[] = [];
  for (let t = 0; t <= span + 1e-9; t += step) {
    ticks.push(`<line x1="${x(t).toFixed(1)}" x2="${x(t).toFixed(1)}" y1="40" y2="${y}" class="grid"/><text x="${x(t).toFixed(1)}" y="36" class="tick">${esc(seconds(t))}</text>`);
  }
  const height = y + 30;
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<svg xmlns="http://www.w3.org/2000/svg" width="${left + width + 40}" height="${height}" viewBox="0 0 ${left + width + 40} ${height}" font-family="sans-serif">`,
    `<style>.inst{font-size:13px;font-weight:bold}.lbl{font-size:11px;fill:#fff}.blbl{font-size:10px;fill:#555}.tick{font-size:10px;fill:#444;text-anchor:middle}` +
      `.bar{fill:#4a78b0}.crit{fill:#d62728}.beh{stroke:#888;stroke-width:2}.sep{stroke:#ddd}.grid{stroke:#eee}</style>`,
    `<text x="8" y="18" font-size="15">${esc(input.title)}</text>`,
    ...ticks,
    ...rows,
    `<text x="8" y="${height - 8}" font-size="11" fill="#444">red: critical path · bars: actions (hover for times) · grey lines: behavior spans</text>`,
    `</svg>`,
    '',
  ].join('\n');
}
