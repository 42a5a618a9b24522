/** The one error mapper's field naming: every 400 names the field at fault and the rule it breaks. */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { fieldIssues } from '../../api/errors';

describe('fieldIssues', () => {
  const schema = z.strictObject({ a: z.strictObject({ b: z.int().min(1, 'must be at least 1') }) });
  it.each([
    ['a nested field', { a: { b: 0 } }, [{ path: 'a.b', message: 'must be at least 1' }]],
    ['each unknown field, by its own name', { a: { b: 1, c: 1, d: 2 } }, ['a.c', 'a.d']],
    ['the body itself', 'text', ['(body)']],
  ])('names %s', (_what, value, expected) => {
    const issues = fieldIssues(schema.safeParse(value).error!);
    const got = typeof expected[0] === 'string' ? issues.map((i) => i.path) : issues;
    expect(got).toEqual(expected);
  });
});
