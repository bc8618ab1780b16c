// The extension's Supabase client (what `$lib/supabase` means in the extension build): the same
// typed client as the SPA's, with the session kept in chrome.storage.local so it survives the
// panel closing and is refreshed by supabase-js. Only lib/api imports it.
import { createClient, type SupportedStorage } from '@supabase/supabase-js';
import { SUPABASE_ANON_KEY, SUPABASE_URL } from '$lib/config';
import type { Database } from '$lib/database.types';

const chromeStorage: SupportedStorage = {
  async getItem(key) {
    const got = await chrome.storage.local.get(key);
    const v = got[key];
    return typeof v === 'string' ? v : null;
  },
  async setItem(key, value) {
    await chrome.storage.local.set({ [key]: value });
  },
  async removeItem(key) {
    await chrome.storage.local.remove(key);
  },
};

export const supabase = createClient<Database>(SUPABASE_URL, SUPABASE_ANON_KEY, {
  auth: { storage: chromeStorage, persistSession: true, autoRefreshToken: true, detectSessionInUrl: false },
});

export type Client = typeof supabase;
