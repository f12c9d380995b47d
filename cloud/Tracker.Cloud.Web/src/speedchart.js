// The speed chart of a history range: a small SVG line chart of speed over time, one column of
// the plot per pixel at most (so 86,400 fixes draw as fast as 600), with a cursor that follows
// playback. No chart library: a polyline, two axes labels and a line.

const SVG_NS = 'http://www.w3.org/2000/svg';
const WIDTH = 600;
const HEIGHT = 120;

/**
 * Reduces a speed series to at most `columns` columns, keeping each column's highest speed so
 * that peaks survive. A column with no known speed breaks the line.
 * @param {Array<{ts: number}>} points time-ordered, not empty.
 * @param {Array<number|null>} speeds mm/s per point.
 * @param {number} columns how many columns.
 * @returns {Array<{t: number, max: number} | null>} per column, null where nothing is known.
 */
export function columnsOf(points, speeds, columns) {
  const start = points[0].ts;
  const span = Math.max(1, points[points.length - 1].ts - start);
  const out = new Array(columns).fill(null);
  for (let i = 0; i < points.length; i++) {
    const s = speeds[i];
    if (s === null) continue;
    const c = Math.min(columns - 1, Math.floor(((points[i].ts - start) / span) * columns));
    const cell = out[c];
    if (cell === null) out[c] = { t: points[i].ts, max: s };
    else if (s > cell.max) cell.max = s;
  }
  return out;
}

/**
 * The SVG path of the columns.
 * @param {Array<{t: number, max: number} | null>} cols from columnsOf.
 * @param {number} topMmps the speed at the top of the plot.
 * @returns {string} the `d` attribute.
 */
export function pathOf(cols, topMmps) {
  const step = WIDTH / cols.length;
  let d = '';
  let pen = false;
  cols.forEach((cell, c) => {
    if (cell === null) {
      pen = false;
      return;
    }
    const x = (c + 0.5) * step;
    const y = HEIGHT - (cell.max / topMmps) * HEIGHT;
    d += `${pen ? 'L' : 'M'}${x.toFixed(1)} ${y.toFixed(1)}`;
    pen = true;
  });
  return d;
}

/** The chart in the DOM: build once per range, move the cursor every frame. */
export class SpeedChart {
  /**
   * @param {SVGSVGElement} svg the chart element (in index.html).
   * @param {(t: number) => void} onSeek called with a time when the user clicks the plot.
   */
  constructor(svg, onSeek) {
    this.svg = svg;
    this.onSeek = onSeek;
    this.start = 0;
    this.end = 1;
    svg.setAttribute('viewBox', `0 0 ${WIDTH} ${HEIGHT}`);
    svg.setAttribute('preserveAspectRatio', 'none');
    svg.replaceChildren();
    this.title = document.createElementNS(SVG_NS, 'title');
    this.line = document.createElementNS(SVG_NS, 'path');
    this.line.setAttribute('class', 'chart-line');
    this.line.setAttribute('vector-effect', 'non-scaling-stroke');
    this.cursor = document.createElementNS(SVG_NS, 'line');
    this.cursor.setAttribute('class', 'chart-cursor');
    this.cursor.setAttribute('y1', '0');
    this.cursor.setAttribute('y2', String(HEIGHT));
    this.cursor.setAttribute('vector-effect', 'non-scaling-stroke');
    svg.append(this.title, this.line, this.cursor);
    this.onClick = (event) => {
      const box = svg.getBoundingClientRect();
      if (box.width > 0) {
        this.onSeek(this.start + ((event.clientX - box.left) / box.width) * (this.end - this.start));
      }
    };
    svg.addEventListener('click', this.onClick);
  }

  /**
   * Draws a range.
   * @param {Array<{ts: number}>} points time-ordered, not empty.
   * @param {Array<number|null>} speeds mm/s per point.
   * @returns {{maxMmps: number, topMmps: number}} the highest speed (0 when none is known) and
   *   the speed at the top of the plot, mm/s.
   */
  draw(points, speeds) {
    this.start = points[0].ts;
    this.end = Math.max(this.start + 1, points[points.length - 1].ts);
    const columns = Math.max(1, Math.min(WIDTH, points.length));
    const cols = columnsOf(points, speeds, columns);
    const max = cols.reduce((m, c) => (c !== null && c.max > m ? c.max : m), 0);
    // The top of the plot: the next 10 km/h above the highest speed, at least 10 km/h.
    const topMmps = (Math.max(1, Math.ceil((max * 0.0036) / 10)) * 10) / 0.0036;
    this.line.setAttribute('d', pathOf(cols, topMmps));
    this.title.textContent = `Speed over time: highest ${(max * 0.0036).toFixed(0)} km/h`;
    this.setCursor(this.start);
    return { maxMmps: max, topMmps };
  }

  /**
   * @param {number} t the playback time.
   */
  setCursor(t) {
    const x = ((t - this.start) / (this.end - this.start)) * WIDTH;
    const clamped = Math.min(WIDTH, Math.max(0, x)).toFixed(1);
    this.cursor.setAttribute('x1', clamped);
    this.cursor.setAttribute('x2', clamped);
  }

  /** Empties the chart and stops listening. */
  destroy() {
    this.svg.removeEventListener('click', this.onClick);
    this.svg.replaceChildren();
  }
}
