// The settings rules the database enforces (20261129160000_settings.sql), mirrored so the UI
// can hide what would be refused and say why. The database stays the authority: these only
// decide what to show.
import type { AccessLevel } from '$lib/api/settings';

const RANK: Record<AccessLevel, number> = { limited: 0, elevated: 1, admin: 2, organization_admin: 3 };

export const levelLabel: Record<AccessLevel, string> = {
  limited: 'Limited',
  elevated: 'Elevated',
  admin: 'Admin',
  organization_admin: 'Organisation admin',
};

export interface Actor {
  userId: string;
  level: AccessLevel | null;
  /** Agency users count as limited. */
  agency: boolean;
}

export interface Target {
  user_id: string;
  access_level: AccessLevel;
  deactivated_at: string | null;
}

export function effectiveLevel(a: Actor): AccessLevel | null {
  return a.agency ? 'limited' : a.level;
}

export const atLeast = (level: AccessLevel | null, min: AccessLevel) => level !== null && RANK[level] >= RANK[min];

/** Levels the actor may give anyone: up to their own. */
export function assignableLevels(a: Actor): AccessLevel[] {
  const own = effectiveLevel(a);
  if (!atLeast(own, 'admin')) return [];
  return (Object.keys(RANK) as AccessLevel[]).filter((l) => RANK[l] <= RANK[own!]);
}

/**
 * Why the actor may not change the target's access level, agency or deactivation (null: may).
 * `activeOrgAdmins` counts the organisation's active organisation admins.
 */
export function whyNotManage(a: Actor, t: Target, activeOrgAdmins: number): string | null {
  const own = effectiveLevel(a);
  if (!atLeast(own, 'admin')) return 'Only admins change people.';
  if (t.user_id === a.userId) return 'You cannot change your own access; ask another admin.';
  if (RANK[t.access_level] > RANK[own!]) return 'Their access level is above yours.';
  if (t.access_level === 'organization_admin' && !t.deactivated_at && activeOrgAdmins <= 1)
    return 'The last organisation admin stays.';
  return null;
}

/** Why the actor may not change organisation settings (null: may). */
export function whyNotOrgSettings(a: Actor): string | null {
  return effectiveLevel(a) === 'organization_admin' ? null : 'Only organisation admins change these settings.';
}

/** Why the actor may not manage jobs and job roles (null: may). */
export function whyNotJobs(a: Actor): string | null {
  return atLeast(effectiveLevel(a), 'admin') ? null : 'Only admins create jobs and assign job roles.';
}

/** The domain part of an address, lower-cased ('' when none). */
export function domainOf(address: string): string {
  const at = address.trim().lastIndexOf('@');
  return at < 0
    ? ''
    : address
        .trim()
        .slice(at + 1)
        .toLowerCase();
}

/** Why an address cannot be the user's sender (null: it can), given the verified domains. */
export function whyNotSender(address: string, verifiedDomains: readonly string[]): string | null {
  const a = address.trim();
  if (!a) return null;
  if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(a)) return 'Enter an email address.';
  const d = domainOf(a);
  if (!verifiedDomains.includes(d))
    return verifiedDomains.length
      ? `${d} is not a verified sending domain of your organisation (verified: ${verifiedDomains.join(', ')}).`
      : 'Your organisation has no verified sending domain yet; an organisation admin adds one under Senders & domains.';
  return null;
}
