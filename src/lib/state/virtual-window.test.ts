import { describe, expect, it } from 'vitest';
import { VirtualWindow } from './virtual-window.svelte';

describe('the virtual window of a long list', () => {
  it('renders the rows in view plus the overscan, and pads the rest', () => {
    const w = new VirtualWindow(50, () => 10_000, 5);
    w.viewport = 500;
    expect([w.first, w.last]).toEqual([0, 15]);
    w.scrollTop = 100_000; // row 2000 at the top
    expect([w.first, w.last]).toEqual([1995, 2015]);
    expect(w.before).toBe(1995 * 50);
    expect(w.after).toBe((10_000 - 2015) * 50);
    expect(w.before + (w.last - w.first) * 50 + w.after).toBe(10_000 * 50);
  });

  it('never reaches past the end of a short list', () => {
    const w = new VirtualWindow(50, () => 3);
    expect([w.first, w.last, w.after]).toEqual([0, 3, 0]);
  });

  it('says where to scroll to bring a row fully into view below a sticky header', () => {
    const w = new VirtualWindow(50, () => 1000);
    w.viewport = 540;
    expect(w.scrollFor(3, 40)).toBeNull();
    expect(w.scrollFor(999, 40)).toBe(40 + 1000 * 50 - 540);
    w.scrollTop = 10_000;
    expect(w.scrollFor(100, 40)).toBe(5000);
  });
});
