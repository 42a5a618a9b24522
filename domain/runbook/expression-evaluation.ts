/**
 * Evaluating a parsed runbook condition (./expression.ts) against a scope: identifiers
 * read only own properties of plain data, numbers in strings compare as numbers (alert
 * data arrives as strings), and nothing can call, loop or assign.
 */
import { ExpressionError, parseExpression, type BinOp, type Expr, type Scope, type Value } from './expression';

function lookup(scope: Scope, e: Extract<Expr, { t: 'path' }>): Value {
  let cur: unknown = scope;
  for (const part of e.parts) {
    // Own properties of plain data only: "constructor" or "__proto__" never reach prototypes.
    if (cur === null || typeof cur !== 'object' || !Object.hasOwn(cur, part)) {
      throw new ExpressionError(`"${e.parts.join('.')}" is not defined`, e.at);
    }
    cur = (cur as Record<string, unknown>)[part];
  }
  if (cur === undefined) return null;
  if (cur === null || ['string', 'number', 'boolean'].includes(typeof cur)) return cur as Value;
  throw new ExpressionError(`"${e.parts.join('.')}" is not a string, number or boolean`, e.at);
}

const numeric = (v: Value): number | undefined => {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v.trim())) return Number(v);
  return undefined;
};

function compare(op: BinOp, l: Value, r: Value, at: number): boolean {
  const [nl, nr] = [numeric(l), numeric(r)];
  // A label value "2" compares with the number 2 as a number: alert data arrives as strings.
  const bothNumeric = nl !== undefined && nr !== undefined && (typeof l === 'number' || typeof r === 'number');
  if (op === '==' || op === '!=') {
    const eq = bothNumeric ? nl === nr : l === r;
    return op === '==' ? eq : !eq;
  }
  let a: number | string, b: number | string;
  if (nl !== undefined && nr !== undefined) [a, b] = [nl, nr];
  else if (typeof l === 'string' && typeof r === 'string') [a, b] = [l, r];
  else throw new ExpressionError(`cannot compare ${JSON.stringify(l)} ${op} ${JSON.stringify(r)}`, at);
  return op === '<' ? a < b : op === '<=' ? a <= b : op === '>' ? a > b : a >= b;
}

function arithmetic(op: BinOp, l: Value, r: Value, at: number): number {
  const [a, b] = [numeric(l), numeric(r)];
  if (a === undefined || b === undefined)
    throw new ExpressionError(`"${op}" needs numbers, got ${JSON.stringify(l)} and ${JSON.stringify(r)}`, at);
  if ((op === '/' || op === '%') && b === 0) throw new ExpressionError('division by zero', at);
  return op === '+' ? a + b : op === '-' ? a - b : op === '*' ? a * b : op === '/' ? a / b : a % b;
}

const truthy = (v: Value): boolean => v !== null && v !== false && v !== 0 && v !== '';

export function evaluate(e: Expr, scope: Scope): Value {
  switch (e.t) {
    case 'lit':
      return e.value;
    case 'path':
      return lookup(scope, e);
    case 'not':
      return !truthy(evaluate(e.arg, scope));
    case 'neg':
      return arithmetic('-', 0, evaluate(e.arg, scope), 0);
    case 'bin': {
      if (e.op === '&&') return truthy(evaluate(e.left, scope)) && truthy(evaluate(e.right, scope));
      if (e.op === '||') return truthy(evaluate(e.left, scope)) || truthy(evaluate(e.right, scope));
      const l = evaluate(e.left, scope);
      const r = evaluate(e.right, scope);
      if (['+', '-', '*', '/', '%'].includes(e.op)) return arithmetic(e.op, l, r, e.at);
      return compare(e.op, l, r, e.at);
    }
  }
}

/** Parses and evaluates to a boolean (truthiness); throws ExpressionError. */
export function evaluateCondition(src: string, scope: Scope): boolean {
  return truthy(evaluate(parseExpression(src), scope));
}
