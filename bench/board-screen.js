// A sequence board open in Chromium, watched while changes arrive (issue 15: "live updates at
// 50 changes/s without dropped frames", "commit → screen"). Used by board-render.js and
// live-boards.js:
//   openBoard(page, appUrl, email, sequenceId, rows) signs in and waits for the board's rows;
//   watchBoard(page) records every animation frame, long tasks (> 50 ms) and, for each row whose
//     text changed, the start of the frame that painted it (the row named by its candidate);
//   boardReport(watch, issued) turns that and the issue times of the changes (per candidate
//     name, Date.now() of the driver: one clock, the machine's) into figures.
const FRAME = 1000 / 60;
const q = (a, p) => a[Math.min(a.length - 1, Math.max(0, Math.ceil((p / 100) * a.length) - 1))];

/**
 * @param {import('playwright-core').Page} page
 * @param {string} appUrl @param {string} email @param {string} sequenceId
 * @param {number} rows the rows the board's tab must count once everything is loaded
 */
export async function openBoard(page, appUrl, email, sequenceId, rows) {
  await page.goto(`${appUrl}/sign-in`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill('password123');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((u) => !u.pathname.startsWith('/sign-in'));
  await page.goto(`${appUrl}/sequences/${sequenceId}`);
  await page.locator(`table[aria-rowcount="${rows + 1}"]`).waitFor();
}

/** Starts recording in the page; `stop()` ends it and returns what was recorded. */
export async function watchBoard(page) {
  await page.evaluate(() => {
    const live = { frames: [], painted: [], longTasks: [], stop: false };
    window.__live = live;
    const loop = (t) => {
      live.frames.push(t);
      if (!live.stop) requestAnimationFrame(loop);
    };
    requestAnimationFrame(loop);
    new PerformanceObserver((l) => {
      for (const e of l.getEntries()) live.longTasks.push(e.duration);
    }).observe({ type: 'longtask' });
    new MutationObserver((ms) => {
      const names = new Set();
      for (const m of ms) {
        const el = m.target.nodeType === 1 ? m.target : m.target.parentElement;
        const name = el?.closest('tr[aria-rowindex]')?.querySelector('.name')?.textContent;
        if (name) names.add(name);
      }
      // Painted in the next frame: its start is when the new text reaches the screen.
      requestAnimationFrame(() => {
        const at = performance.timeOrigin + performance.now();
        for (const n of names) live.painted.push([n, at]);
      });
    }).observe(document.querySelector('tbody'), { subtree: true, childList: true, characterData: true });
  });
  return {
    stop: () =>
      page.evaluate(() => {
        window.__live.stop = true;
        return window.__live;
      }),
  };
}

/**
 * @param {{ frames: number[], painted: Array<[string, number]>, longTasks: number[] }} live
 * @param {Map<string, number[]>} issued candidate name → when each change to that row was issued
 */
export function boardReport(live, issued) {
  const gaps = live.frames
    .slice(1)
    .map((t, i) => t - live.frames[i])
    .sort((a, b) => a - b);
  const dropped = gaps.reduce((n, g) => n + Math.max(0, Math.round(g / FRAME) - 1), 0);
  // Each change's first paint of its row before the row's next change.
  const paints = [];
  let changes = 0;
  for (const [name, times] of issued) {
    changes += times.length;
    const at = live.painted.filter((p) => p[0] === name).map((p) => p[1]);
    for (let k = 0; k < times.length; k++) {
      const until = times[k + 1] ?? Infinity;
      const p = at.find((x) => x >= times[k] && x < until);
      if (p !== undefined) paints.push(p - times[k]);
    }
  }
  paints.sort((a, b) => a - b);
  const seconds = (live.frames.at(-1) - live.frames[0]) / 1000;
  return {
    frames: `${live.frames.length} in ${seconds.toFixed(1)} s; gap p50 ${q(gaps, 50).toFixed(1)} ms, p95 ${q(gaps, 95).toFixed(1)} ms, max ${gaps.at(-1).toFixed(1)} ms; dropped frames (60 Hz) ${dropped}`,
    longTasks: `${live.longTasks.length}${live.longTasks.length ? `, longest ${Math.max(...live.longTasks).toFixed(0)} ms` : ''}`,
    painted: `${paints.length} of ${changes} changes seen, p50 ${q(paints, 50).toFixed(0)} ms, p95 ${q(paints, 95).toFixed(0)} ms, max ${paints.at(-1).toFixed(0)} ms`,
    paints,
    dropped,
  };
}
