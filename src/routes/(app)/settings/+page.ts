// /settings opens the personal settings, the tab every user has. A load redirect (not a
// navigation after mount) so nothing can race it.
import { redirect } from '@sveltejs/kit';
import { resolve } from '$app/paths';

export function load(): never {
  redirect(307, resolve('/settings/personal'));
}
