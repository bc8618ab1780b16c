// Private channels, realtime.send() and tokens, as supabase-js users see them over both
// protocol versions: RLS on realtime.messages admits or refuses a join, refuses writes,
// decides REST broadcasts; messages sent from SQL reach subscribers; setAuth() refreshes a
// channel's token and an expired token closes the channel.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  applyRealtimeFixture,
  client,
  closeClients,
  mintUser,
  sql,
  stack,
  subscribe,
  uniq,
  waitFor,
  type Vsn,
} from './helpers/realtime-fixture';

beforeAll(applyRealtimeFixture);
afterEach(closeClients);
afterAll(closeClients);

const priv = { config: { private: true } } as const;

describe.each<Vsn>(['1.0.0', '2.0.0'])('private channels over vsn %s', (vsn) => {
  it('admits a user the read policy allows and refuses one it does not', async () => {
    const [alice, bob] = [await mintUser(), await mintUser()];
    const topic = `rt_fx_user:${alice.id}`;
    expect((await subscribe(client(vsn, alice).channel(topic, priv))).status).toBe('SUBSCRIBED');
    const refused = await subscribe(client(vsn, bob).channel(topic, priv));
    expect(refused.status).toBe('CHANNEL_ERROR');
    expect(refused.err?.message).toBe(
      `Unauthorized: You do not have permissions to read from this Channel topic: ${topic}`,
    );
  });

  it('refuses an anonymous client (anon key only) on a private topic', async () => {
    const res = await subscribe(client(vsn).channel(`rt_fx_open:${uniq('x')}`, priv));
    expect(res.status).toBe('CHANNEL_ERROR');
    expect(res.err?.message).toContain('Unauthorized');
  });

  it('exchanges broadcasts where the write policy allows, and drops them where it does not', async () => {
    const [alice, bob] = [await mintUser(), await mintUser()];
    const name = uniq('room');
    const got: string[] = [];
    const recvOpen = client(vsn, bob)
      .channel(`rt_fx_open:${name}`, priv)
      .on('broadcast', { event: '*' }, (m) => got.push(`open:${m.payload.v}`));
    const recvRo = client(vsn, bob)
      .channel(`rt_fx_ro:${name}`, priv)
      .on('broadcast', { event: '*' }, (m) => got.push(`ro:${m.payload.v}`));
    await subscribe(recvOpen);
    await subscribe(recvRo);
    const ca = client(vsn, alice);
    const sendOpen = ca.channel(`rt_fx_open:${name}`, priv);
    const sendRo = ca.channel(`rt_fx_ro:${name}`, priv);
    expect((await subscribe(sendOpen)).status).toBe('SUBSCRIBED');
    expect((await subscribe(sendRo)).status).toBe('SUBSCRIBED');
    await sendRo.send({ type: 'broadcast', event: 'm', payload: { v: 1 } });
    await sendOpen.send({ type: 'broadcast', event: 'm', payload: { v: 2 } });
    // Messages from one socket are handled in order: the allowed one arriving means the
    // refused one was already dropped.
    await waitFor(() => (got.includes('open:2') ? true : undefined), 'allowed broadcast');
    expect(got).toEqual(['open:2']);
  });

  it('keeps public and private audiences of the same topic apart', async () => {
    const user = await mintUser();
    const topic = `rt_fx_open:${uniq('both')}`;
    const got: string[] = [];
    const pub = client(vsn, user)
      .channel(topic)
      .on('broadcast', { event: '*' }, (m) => got.push(`public:${m.payload.v}`));
    const prv = client(vsn, user)
      .channel(topic, priv)
      .on('broadcast', { event: '*' }, (m) => got.push(`private:${m.payload.v}`));
    await subscribe(pub);
    await subscribe(prv);
    // realtime-js keeps one channel per topic name per client, hence two sending clients.
    const sp = client(vsn, user).channel(topic, priv);
    const su = client(vsn, user).channel(topic);
    await subscribe(sp);
    await subscribe(su);
    await sp.send({ type: 'broadcast', event: 'x', payload: { v: 1 } });
    await su.send({ type: 'broadcast', event: 'x', payload: { v: 2 } });
    await waitFor(() => (got.length === 2 ? true : undefined), 'two deliveries');
    expect(got.sort()).toEqual(['private:1', 'public:2']);
  });

  it('delivers realtime.send() from SQL to the matching audience with the message id', async () => {
    const user = await mintUser();
    const name = `rt_fx_open:${uniq('sql')}`;
    const got: any[] = [];
    await subscribe(
      client(vsn, user)
        .channel(name, priv)
        .on('broadcast', { event: '*' }, (m) => got.push(['private', m])),
    );
    await subscribe(
      client(vsn, user)
        .channel(name)
        .on('broadcast', { event: '*' }, (m) => got.push(['public', m])),
    );
    await sql(`select realtime.send('{"hello":"private"}'::jsonb, 'from-sql', $1)`, [name]);
    await sql(`select realtime.send('{"hello":"public"}'::jsonb, 'from-sql', $1, false)`, [name]);
    await waitFor(() => (got.length === 2 ? true : undefined), 'both messages');
    const [ids] = [
      await sql<{ id: string; private: boolean }>(
        'select id, private from realtime.messages where topic = $1 order by inserted_at',
        [name],
      ),
    ];
    const byAudience = Object.fromEntries(got);
    expect(byAudience.private).toEqual({
      type: 'broadcast',
      event: 'from-sql',
      payload: { hello: 'private' },
      meta: { id: ids!.find((r) => r.private)!.id },
    });
    expect(byAudience.public).toEqual({
      type: 'broadcast',
      event: 'from-sql',
      payload: { hello: 'public' },
      meta: { id: ids!.find((r) => !r.private)!.id },
    });
  });
});

describe('REST broadcast to private topics', () => {
  const post = (token: string, messages: unknown[]) =>
    fetch(`${stack.apiUrl}/realtime/v1/api/broadcast`, {
      method: 'POST',
      headers: { apikey: stack.anonKey, Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ messages }),
    });

  it('sends only what the caller may write; the service role may write anywhere', async () => {
    const user = await mintUser();
    const name = uniq('rp');
    const got: string[] = [];
    await subscribe(
      client('2.0.0', user)
        .channel(`rt_fx_ro:${name}`, priv)
        .on('broadcast', { event: '*' }, (m) => got.push(`ro:${m.payload.by}`)),
    );
    await subscribe(
      client('2.0.0', user)
        .channel(`rt_fx_open:${name}`, priv)
        .on('broadcast', { event: '*' }, (m) => got.push(`open:${m.payload.by}`)),
    );
    expect(
      (await post(user.token, [{ topic: `rt_fx_ro:${name}`, event: 'e', payload: { by: 'user' }, private: true }]))
        .status,
    ).toBe(202);
    expect(
      (await post(user.token, [{ topic: `rt_fx_open:${name}`, event: 'e', payload: { by: 'user' }, private: true }]))
        .status,
    ).toBe(202);
    expect(
      (
        await post(stack.serviceRoleKey, [
          { topic: `rt_fx_ro:${name}`, event: 'e', payload: { by: 'service' }, private: true },
        ])
      ).status,
    ).toBe(202);
    await waitFor(() => (got.length === 2 ? true : undefined), 'allowed messages');
    expect(got.sort()).toEqual(['open:user', 'ro:service']);
  });
});

describe.each<Vsn>(['1.0.0', '2.0.0'])('tokens over vsn %s', (vsn) => {
  it('re-checks a private channel when setAuth() pushes another user’s token', async () => {
    const [alice, bob] = [await mintUser(), await mintUser()];
    const c = client(vsn, alice);
    const systems: any[] = [];
    const ch = c.channel(`rt_fx_user:${alice.id}`, priv).on('system', {}, (m: any) => systems.push(m));
    let closed = false;
    expect((await subscribe(ch)).status).toBe('SUBSCRIBED');
    ch.subscribe((s) => {
      if (s === 'CLOSED') closed = true;
    });
    // A fresh token for the same user keeps the channel.
    const again = await mintUser({ id: alice.id, expiresInS: 7200 });
    await c.realtime.setAuth(again.token);
    // bob may not read alice's topic: the channel is closed with a system message.
    await c.realtime.setAuth(bob.token);
    await waitFor(() => (systems.length ? true : undefined), 'system message');
    expect(systems).toHaveLength(1);
    expect(systems[0]).toMatchObject({
      status: 'error',
      message: `Unauthorized: You do not have permissions to read from this Channel topic: rt_fx_user:${alice.id}`,
    });
    await waitFor(() => (closed || ch.state === 'closed' ? true : undefined), 'channel closed');
  });

  it('closes a channel when its token expires, unless setAuth() refreshed it in time', async () => {
    const short = await mintUser({ expiresInS: 2 });
    const c1 = client(vsn, short);
    const systems: any[] = [];
    const expiring = c1.channel(uniq('exp')).on('system', {}, (m: any) => systems.push(m));
    expect((await subscribe(expiring)).status).toBe('SUBSCRIBED');

    const refreshed = await mintUser({ expiresInS: 2 });
    const c2 = client(vsn, refreshed);
    const kept = c2.channel(uniq('kept'), { config: { broadcast: { self: true, ack: true } } });
    const echoes: unknown[] = [];
    kept.on('broadcast', { event: 'e' }, (m) => echoes.push(m.payload));
    expect((await subscribe(kept)).status).toBe('SUBSCRIBED');
    await c2.realtime.setAuth((await mintUser({ id: refreshed.id, expiresInS: 3600 })).token);

    await waitFor(() => (systems.length ? true : undefined), 'expiry notice', 6000);
    expect(systems[0]).toMatchObject({ status: 'error', message: expect.stringContaining('Token has expired') });
    await waitFor(
      () => (expiring.state === 'closed' || expiring.state === 'errored' ? true : undefined),
      'expired channel closed',
    );
    // Past the first token's expiry the refreshed channel still works.
    expect(await kept.send({ type: 'broadcast', event: 'e', payload: { still: 'here' } })).toBe('ok');
    await waitFor(() => (echoes.length ? true : undefined), 'echo on the refreshed channel');
  });

  it('refuses to join with an expired or forged access token', async () => {
    const expired = await mintUser({ expiresInS: -60 });
    const r1 = await subscribe(client(vsn, expired).channel(uniq('t')));
    expect(r1.status).toBe('CHANNEL_ERROR');
    expect(r1.err?.message).toContain('Token has expired');
    const user = await mintUser();
    const forged = { ...user, token: user.token.slice(0, -4) + 'AAAA' };
    const r2 = await subscribe(client(vsn, forged).channel(uniq('t')));
    expect(r2.status).toBe('CHANNEL_ERROR');
    expect(r2.err?.message).toContain('Invalid JWT');
  });
});
