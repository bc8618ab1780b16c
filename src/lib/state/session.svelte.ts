// Who is signed in. Components read `session.user`; sign-in/out go through here so every
// state class can be reset in one place on sign-out.
import * as auth from '$lib/api/auth';
import type { Session } from '$lib/api/auth';
import type { Result } from '$lib/result';

export class SessionState {
  #session = $state.raw<Session | null>(null);
  #ready = $state(false);
  #stop: (() => void) | null = null;
  #resetters: Array<() => void> = [];

  get ready(): boolean {
    return this.#ready;
  }

  get user() {
    return this.#session?.user ?? null;
  }

  get signedIn(): boolean {
    return this.#session !== null;
  }

  /** Loads the stored session and follows changes (other tabs, token refresh). Idempotent. */
  async start(): Promise<void> {
    if (this.#stop) return;
    this.#stop = auth.onSessionChange((s) => {
      this.#session = s;
      if (!s) this.#resetAll();
    });
    this.#session = await auth.currentSession();
    this.#ready = true;
  }

  /** State classes register their reset() here so sign-out leaves nothing of the previous user. */
  onReset(fn: () => void): void {
    this.#resetters.push(fn);
  }

  async signIn(email: string, password: string): Promise<Result<Session>> {
    const r = await auth.signInWithPassword(email.trim(), password);
    if (r.ok) this.#session = r.data;
    return r;
  }

  async signOut(): Promise<Result<null>> {
    const r = await auth.signOut();
    this.#session = null;
    this.#resetAll();
    return r;
  }

  #resetAll(): void {
    for (const fn of this.#resetters) fn();
  }
}

export const session = new SessionState();
