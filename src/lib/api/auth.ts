// Sign-in and session access: the only code that calls supabase.auth.
import type { Session } from '@supabase/supabase-js';
import { supabase } from '$lib/supabase';
import { fail, ok, type Result } from '$lib/result';

export type { Session };

export async function signInWithPassword(email: string, password: string): Promise<Result<Session>> {
  const { data, error } = await supabase.auth.signInWithPassword({ email, password });
  if (error) {
    if (error.code === 'invalid_credentials') return { ok: false, error: 'Wrong email or password.', code: error.code };
    return fail(error, 'Could not sign in.');
  }
  return ok(data.session);
}

export async function signOut(): Promise<Result<null>> {
  const { error } = await supabase.auth.signOut();
  return error ? fail(error, 'Could not sign out.') : ok(null);
}

export async function currentSession(): Promise<Session | null> {
  const { data } = await supabase.auth.getSession();
  return data.session;
}

/** Calls back on every sign-in, sign-out and token refresh; returns the unsubscribe function. */
export function onSessionChange(cb: (session: Session | null) => void): () => void {
  const { data } = supabase.auth.onAuthStateChange((_event, session) => cb(session));
  return () => data.subscription.unsubscribe();
}
