import { describe, expect, it } from 'vitest';
import { assignableLevels, whyNotManage, whyNotOrgSettings, whyNotSender, type Actor } from './settings-rules';

const actor = (level: Actor['level'], agency = false): Actor => ({ userId: 'me', level, agency });
const person = (access_level: Actor['level'] & string, user_id = 'them') => ({
  user_id,
  access_level,
  deactivated_at: null,
});

describe('settings rules shown in the UI (the database enforces the same)', () => {
  it('lets admins give levels up to their own, and nobody else any', () => {
    expect(assignableLevels(actor('admin'))).toEqual(['limited', 'elevated', 'admin']);
    expect(assignableLevels(actor('organization_admin'))).toContain('organization_admin');
    expect(assignableLevels(actor('elevated'))).toEqual([]);
    expect(assignableLevels(actor('admin', true))).toEqual([]);
  });

  it('says why a person cannot be changed', () => {
    expect(whyNotManage(actor('admin'), person('organization_admin'), 2)).toMatch(/above yours/);
    expect(whyNotManage(actor('admin'), person('admin', 'me'), 2)).toMatch(/your own access/);
    expect(whyNotManage(actor('organization_admin'), person('organization_admin'), 1)).toMatch(
      /last organisation admin/,
    );
    expect(whyNotManage(actor('elevated'), person('limited'), 1)).toMatch(/Only admins/);
    expect(whyNotManage(actor('admin'), person('elevated'), 1)).toBeNull();
  });

  it('keeps organisation settings to organisation admins', () => {
    expect(whyNotOrgSettings(actor('organization_admin'))).toBeNull();
    expect(whyNotOrgSettings(actor('admin'))).toMatch(/Only organisation admins/);
  });

  it('accepts a sender address only on a verified domain of the organisation', () => {
    expect(whyNotSender('me@acme.test', ['acme.test'])).toBeNull();
    expect(whyNotSender('me@Acme.TEST', ['acme.test'])).toBeNull();
    expect(whyNotSender('ceo@globex.test', ['acme.test'])).toMatch(/globex.test is not a verified sending domain/);
    expect(whyNotSender('me@acme.test', [])).toMatch(/no verified sending domain/);
    expect(whyNotSender('not an address', ['acme.test'])).toMatch(/Enter an email address/);
  });
});
