// Which rows of a long list are in the DOM: the rows in view plus a margin, so 10,000 rows
// scroll smoothly (the sequence board's enrolments, the Candidates list). Rows have a fixed
// height; the component binds the scroll container's height and scroll offset here and pads
// above and below the rendered rows with `before` / `after` pixels.
export class VirtualWindow {
  /** The scroll container's scrollTop, in px (bound by the component). */
  scrollTop = $state(0);
  /** The scroll container's visible height, in px (bound by the component). */
  viewport = $state(640);
  readonly #count: () => number;

  /**
   * @param rowHeight every row's height in px
   * @param count how many rows the list has (read reactively)
   * @param overscan rows rendered beyond each edge of the view (default 8)
   */
  constructor(
    readonly rowHeight: number,
    count: () => number,
    readonly overscan = 8,
  ) {
    this.#count = count;
  }

  get count(): number {
    return this.#count();
  }
  /** Index of the first rendered row. */
  get first(): number {
    return Math.max(0, Math.floor(this.scrollTop / this.rowHeight) - this.overscan);
  }
  /** Index after the last rendered row. */
  get last(): number {
    return Math.min(this.count, Math.ceil((this.scrollTop + this.viewport) / this.rowHeight) + this.overscan);
  }
  /** Height of the rows above the rendered ones, in px. */
  get before(): number {
    return this.first * this.rowHeight;
  }
  /** Height of the rows below the rendered ones, in px. */
  get after(): number {
    return Math.max(0, this.count - this.last) * this.rowHeight;
  }

  /**
   * The scrollTop that brings row `index` fully into view (`header` px of sticky header above
   * the rows), or null when it already is.
   */
  scrollFor(index: number, header = 0): number | null {
    const top = header + index * this.rowHeight;
    if (top - header < this.scrollTop) return top - header;
    if (top + this.rowHeight > this.scrollTop + this.viewport) return top + this.rowHeight - this.viewport;
    return null;
  }
}
