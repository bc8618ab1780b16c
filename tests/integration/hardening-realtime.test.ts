// Issue 11, item 4: a member joined to a sequence's private channel must stop receiving (and
// reaching others) as soon as the creator makes the sequence confidential, without relying on
// Realtime re-checking rights (hosted Realtime checks at join only) or on the client leaving.
// The channel is `sequence:<id>:<channel_key>` and the key rotates on access changes
// (20261129110100_sequence_channel_key.sql); everyone who still has access moves on.
import { afterAll, describe, expect, it } from 'vitest';
import { closeDb, createMember, createOrg, createSequence, mintJwt } from './helpers/factories.ts';
import { client, closeClients, settle, subscribe, waitFor, type TestUser } from 'local-supabase/testing/realtime';

afterAll(async () => {
  await closeClients();
  await closeDb();
});

const priv = { config: { private: true } } as const;

describe('a sequence channel after the sequence becomes confidential', () => {
  it('no longer carries anything between the creator and a member who lost access', async () => {
    const org = await createOrg();
    const owner = await createMember(org, { level: 'elevated' });
    const viewer = await createMember(org, { level: 'admin' });
    const seq = await createSequence(org, owner);
    const user = async (m: { id: string; email: string }): Promise<TestUser> => ({
      id: m.id,
      email: m.email,
      token: await mintJwt({ sub: m.id, role: 'authenticated', aud: 'authenticated', email: m.email }),
    });
    const [u1, u2] = [await user(owner), await user(viewer)];
    const keyOf = async () => {
      const { data, error } = await owner.client.from('sequences').select('channel_key').eq('id', seq.id).single();
      expect(error).toBeNull();
      return `sequence:${seq.id}:${data!.channel_key as string}`;
    };

    const before = await keyOf();
    const got: { viewer: unknown[]; owner: unknown[] } = { viewer: [], owner: [] };
    const viewerChan = client('2.0.0', u2)
      .channel(before, priv)
      .on('broadcast', { event: 'yjs' }, (m) => got.viewer.push(m.payload));
    const ownerOld = client('2.0.0', u1).channel(before, priv);
    expect((await subscribe(viewerChan)).status).toBe('SUBSCRIBED');
    expect((await subscribe(ownerOld)).status).toBe('SUBSCRIBED');
    await ownerOld.send({ type: 'broadcast', event: 'yjs', payload: { n: 1 } });
    await waitFor(() => (got.viewer.length === 1 ? true : undefined), 'the first update to reach the viewer');

    const { error } = await owner.client.from('sequences').update({ access: 'confidential' }).eq('id', seq.id);
    expect(error).toBeNull();
    const after = await keyOf();
    expect(after).not.toBe(before);

    const ownerNew = client('2.0.0', u1)
      .channel(after, priv)
      .on('broadcast', { event: 'yjs' }, (m) => got.owner.push(m.payload));
    expect((await subscribe(ownerNew)).status).toBe('SUBSCRIBED');
    const refused = await subscribe(client('2.0.0', u2).channel(after, priv));
    expect(refused.status).not.toBe('SUBSCRIBED');

    await ownerNew.send({ type: 'broadcast', event: 'yjs', payload: { n: 2 } });
    await viewerChan.send({ type: 'broadcast', event: 'yjs', payload: { n: 3 } });
    await settle(800);
    expect(got.viewer).toEqual([{ n: 1 }]);
    expect(got.owner).toEqual([]);
  });
});
