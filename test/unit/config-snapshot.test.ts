import { describe, expect, it } from 'vitest';
import { revisionedSnapshot } from '../../lib/models/config';

/** A store whose revision and contents the test moves, counting full reads. */
function fakeStore() {
  const store = { revision: undefined as string | undefined, value: 'v0', reads: 0, clock: 0 };
  const reader = revisionedSnapshot({
    read: async () => {
      store.reads += 1;
      return store.value;
    },
    revision: async () => store.revision,
    maxAgeMs: 10_000,
    now: () => store.clock,
  });
  return { store, reader };
}

describe('revisionedSnapshot (the worker keeps configuration by revision)', () => {
  it('reads once while the revision stands', async () => {
    const { store, reader } = fakeStore();
    store.revision = 'r3';
    expect(await reader()).toBe('v0');
    expect(await reader()).toBe('v0');
    expect(store.reads).toBe(1);
  });

  it('reads again once a write moved the revision', async () => {
    const { store, reader } = fakeStore();
    store.revision = 'r3';
    await reader();
    store.value = 'v1';
    store.revision = 'r4';
    expect(await reader()).toBe('v1');
    expect(store.reads).toBe(2);
  });

  it('reads every time before the first write (no revision yet)', async () => {
    const { store, reader } = fakeStore();
    await reader();
    store.value = 'v1';
    expect(await reader()).toBe('v1');
    expect(store.reads).toBe(2);
  });

  it('reads again after maxAgeMs even if the revision did not move', async () => {
    const { store, reader } = fakeStore();
    store.revision = 'r1';
    await reader();
    store.clock = 9_999;
    await reader();
    expect(store.reads).toBe(1);
    store.clock = 10_000;
    store.value = 'v1';
    expect(await reader()).toBe('v1');
    expect(store.reads).toBe(2);
  });

  it('a write during a read makes the next call read again', async () => {
    const store = { revision: 'r1', value: 'v0', reads: 0 };
    const reader = revisionedSnapshot({
      read: async () => {
        store.reads += 1;
        const seen = store.value;
        // The write lands after the revision was read and after the contents were.
        store.value = 'v1';
        store.revision = 'r2';
        return seen;
      },
      revision: async () => store.revision,
      maxAgeMs: 10_000,
    });
    expect(await reader()).toBe('v0');
    expect(await reader()).toBe('v1');
    expect(store.reads).toBe(2);
  });
});
