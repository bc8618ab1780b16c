// The one place feedback is shown: actions report failures (and the odd success) here, and
// <Toasts /> in the root layout renders them.
export type Toast = { id: number; kind: 'error' | 'success' | 'info'; message: string };

const LIFETIME_MS = 6000;

export class Toasts {
  #items = $state<Toast[]>([]);
  #next = 1;

  get items(): readonly Toast[] {
    return this.#items;
  }

  show(kind: Toast['kind'], message: string): number {
    const id = this.#next++;
    this.#items.push({ id, kind, message });
    setTimeout(() => this.dismiss(id), LIFETIME_MS);
    return id;
  }

  error(message: string): number {
    return this.show('error', message);
  }

  success(message: string): number {
    return this.show('success', message);
  }

  dismiss(id: number): void {
    this.#items = this.#items.filter((t) => t.id !== id);
  }

  reset(): void {
    this.#items = [];
  }
}

export const toasts = new Toasts();
