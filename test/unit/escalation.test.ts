import { describe, expect, it } from 'vitest';
import { allSteps, FIRST_STEP, minutesUntilExhausted, nextStep, stepAt } from '../../domain/incident/escalation';

const level = (delayMinutes: number) => ({ delayMinutes, targets: [] });
// The seeds' chain: engineer -> senior -> lead -> management at 5 / 15 / 30 / 60 minutes.
const seedChain = { levels: [level(5), level(15), level(30), level(60)], loops: 0 };

describe('escalation steps', () => {
  it.each([
    ['one level, no loops', { levels: [level(5)], loops: 0 }, ['0:0']],
    ['seed chain once', seedChain, ['0:0', '0:1', '0:2', '0:3']],
    ['two levels, two loops', { levels: [level(10), level(20)], loops: 2 }, ['0:0', '0:1', '1:0', '1:1', '2:0', '2:1']],
    ['one level looped', { levels: [level(1)], loops: 3 }, ['0:0', '1:0', '2:0', '3:0']],
  ])('%s', (_name, policy, expected) => {
    expect(allSteps(policy).map((c) => `${c.loop}:${c.level}`)).toEqual(expected);
  });

  it('moves to the next level, then to the next pass, then is done', () => {
    const p = { levels: [level(5), level(15)], loops: 1 };
    expect(nextStep(p, FIRST_STEP)).toEqual({ done: false, cursor: { loop: 0, level: 1 }, delayMinutes: 15 });
    expect(nextStep(p, { loop: 0, level: 1 })).toEqual({ done: false, cursor: { loop: 1, level: 0 }, delayMinutes: 5 });
    expect(nextStep(p, { loop: 1, level: 1 })).toEqual({ done: true });
  });

  it('treats a cursor outside the policy as done (a level removed under a running incident)', () => {
    expect(stepAt(seedChain, { loop: 0, level: 7 })).toEqual({ done: true });
    expect(stepAt(seedChain, { loop: 1, level: 0 })).toEqual({ done: true });
    expect(stepAt(seedChain, { loop: -1, level: 0 })).toEqual({ done: true });
  });

  it('sums the time until exhaustion', () => {
    expect(minutesUntilExhausted(seedChain)).toBe(110);
    expect(minutesUntilExhausted({ ...seedChain, loops: 1 })).toBe(220);
  });
});
