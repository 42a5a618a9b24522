import { describe, expect, it } from 'vitest';
import { createCoalescer } from '../../api/ingest/coalesce';

/** A send whose calls stay open until the test ends them, one by one. */
function gatedSend() {
  const calls: Array<{ key: string; items: string[]; done(err?: Error): void }> = [];
  const send = (key: string, items: string[]) =>
    new Promise<void>((resolve, reject) => {
      calls.push({ key, items, done: (err) => (err ? reject(err) : resolve()) });
    });
  return { calls, send };
}

const tick = () => new Promise((r) => setImmediate(r));

/** Where each submission stands: 'pending', 'ok' or the error's message. */
function track(p: Promise<void>) {
  const t = { state: 'pending' };
  p.then(
    () => (t.state = 'ok'),
    (err: Error) => (t.state = err.message),
  );
  return t;
}

describe('createCoalescer', () => {
  it('sends the first alone and the ones queued behind it together, once it is accepted', async () => {
    const { calls, send } = gatedSend();
    const submit = createCoalescer(send);
    const first = track(submit('k', 'a1'));
    const rest = ['a2', 'a3', 'a4'].map((x) => track(submit('k', x)));
    await tick();
    expect(calls.map((c) => c.items)).toEqual([['a1']]);

    calls[0]!.done();
    await tick();
    expect(first.state).toBe('ok');
    expect(rest.map((r) => r.state)).toEqual(['pending', 'pending', 'pending']); // not before their own signal
    expect(calls.map((c) => c.items)).toEqual([['a1'], ['a2', 'a3', 'a4']]);

    calls[1]!.done();
    await tick();
    expect(rest.map((r) => r.state)).toEqual(['ok', 'ok', 'ok']);
  });

  it('fails exactly the alerts of a refused signal and still sends the next batch', async () => {
    const { calls, send } = gatedSend();
    const submit = createCoalescer(send);
    const a = track(submit('k', 'a'));
    const b = track(submit('k', 'b'));
    await tick();
    calls[0]!.done(new Error('temporal unavailable'));
    await tick();
    expect([a.state, b.state]).toEqual(['temporal unavailable', 'pending']);
    expect(calls[1]!.items).toEqual(['b']); // went out when a's signal came back
    const c = track(submit('k', 'c')); // queues behind b's
    calls[1]!.done();
    await tick();
    expect(b.state).toBe('ok');
    expect(calls[2]!.items).toEqual(['c']);
    calls[2]!.done();
    await tick();
    expect(c.state).toBe('ok');
  });

  it('keeps batches within the item and byte limits, and an item larger than the byte limit alone', async () => {
    const { calls, send } = gatedSend();
    const submit = createCoalescer(send, { maxItems: 2, maxBytes: 20 });
    const all = ['x', 'b1', 'b2', 'c1', 'long-long-long-long', 'd1'].map((s) => track(submit('k', s)));
    for (let i = 0; i < 5; i++) {
      await tick();
      calls[i]?.done();
    }
    await tick();
    expect(calls.map((c) => c.items)).toEqual([['x'], ['b1', 'b2'], ['c1'], ['long-long-long-long'], ['d1']]);
    expect(all.every((t) => t.state === 'ok')).toBe(true);
  });

  it('never holds one key behind another, and sends at once again after a key has drained', async () => {
    const { calls, send } = gatedSend();
    const submit = createCoalescer(send);
    track(submit('k1', 'a'));
    track(submit('k2', 'b'));
    await tick();
    expect(calls.map((c) => [c.key, c.items])).toEqual([
      ['k1', ['a']],
      ['k2', ['b']],
    ]);
    calls[0]!.done();
    await tick();
    track(submit('k1', 'c'));
    await tick();
    expect(calls.map((c) => c.items)).toEqual([['a'], ['b'], ['c']]);
  });
});
