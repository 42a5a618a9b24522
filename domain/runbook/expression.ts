/**
 * The runbook condition language: a small, side-effect-free expression language over
 * inputs and earlier step results, e.g. `restart_count < 3`,
 * `steps.health.statusCode == 200 && !(tier == "gold")`. Hand-written tokenizer, a
 * recursive-descent parser (here) and a tree-walking evaluator (./expression-evaluation.ts):
 * nothing is ever handed to `eval`/`Function`, identifiers only read the scope they are
 * given (own properties), and evaluation cannot call anything, loop, or assign.
 *
 * Grammar (lowest precedence first):
 *   or    := and (("||" | "or") and)*
 *   and   := not (("&&" | "and") not)*
 *   not   := ("!" | "not") not | cmp
 *   cmp   := sum (("==" | "!=" | "<" | "<=" | ">" | ">=") sum)?
 *   sum   := prod (("+" | "-") prod)*
 *   prod  := unary (("*" | "/" | "%") unary)*
 *   unary := "-" unary | atom
 *   atom  := number | string | true | false | null | path | "(" or ")"
 *   path  := ident ("." ident)*
 */

export type Value = string | number | boolean | null;
export type Scope = Readonly<Record<string, unknown>>;

export type Expr =
  | { t: 'lit'; value: Value }
  | { t: 'path'; parts: string[]; at: number }
  | { t: 'not'; arg: Expr }
  | { t: 'neg'; arg: Expr }
  | { t: 'bin'; op: BinOp; left: Expr; right: Expr; at: number };

export type BinOp = '||' | '&&' | '==' | '!=' | '<' | '<=' | '>' | '>=' | '+' | '-' | '*' | '/' | '%';

/** A syntax or evaluation problem; `at` is the 0-based column in the expression. */
export class ExpressionError extends Error {
  constructor(
    message: string,
    readonly at: number,
  ) {
    super(message);
    this.name = 'ExpressionError';
  }
}

interface Token {
  k: 'num' | 'str' | 'id' | 'op' | 'end';
  v: string;
  at: number;
}

const OPS = ['||', '&&', '==', '!=', '<=', '>=', '<', '>', '!', '(', ')', '+', '-', '*', '/', '%', '.'];
const MAX_LENGTH = 500;

function tokenize(src: string): Token[] {
  if (src.length > MAX_LENGTH) throw new ExpressionError(`expression is longer than ${MAX_LENGTH} characters`, 0);
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i] as string;
    if (/\s/.test(c)) {
      i += 1;
      continue;
    }
    const num = /^\d+(\.\d+)?/.exec(src.slice(i));
    if (num) {
      out.push({ k: 'num', v: num[0], at: i });
      i += num[0].length;
      continue;
    }
    const id = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i));
    if (id) {
      out.push({ k: 'id', v: id[0], at: i });
      i += id[0].length;
      continue;
    }
    if (c === '"' || c === "'") {
      i = readString(src, i, out);
      continue;
    }
    const op = OPS.find((o) => src.startsWith(o, i));
    if (!op) throw new ExpressionError(`unexpected character "${c}" at column ${i + 1}`, i);
    out.push({ k: 'op', v: op, at: i });
    i += op.length;
  }
  out.push({ k: 'end', v: '', at: src.length });
  return out;
}

function readString(src: string, start: number, out: Token[]): number {
  const quote = src[start];
  let value = '';
  for (let i = start + 1; i < src.length; i++) {
    const c = src[i] as string;
    if (c === quote) {
      out.push({ k: 'str', v: value, at: start });
      return i + 1;
    }
    if (c === '\\') {
      value += src[i + 1] ?? '';
      i += 1;
      continue;
    }
    value += c;
  }
  throw new ExpressionError(`unterminated string starting at column ${start + 1}`, start);
}

const WORD_OPS: Record<string, string> = { and: '&&', or: '||', not: '!' };

/** Parses an expression; throws ExpressionError naming the column of the problem. */
export function parseExpression(src: string): Expr {
  const toks = tokenize(src);
  let p = 0;
  const peek = () => toks[p] as Token;
  const opOf = (t: Token) => (t.k === 'op' ? t.v : t.k === 'id' ? WORD_OPS[t.v] : undefined);
  const take = (...ops: string[]) => {
    const o = opOf(peek());
    if (o !== undefined && ops.includes(o)) {
      p += 1;
      return o;
    }
    return undefined;
  };
  const left = (next: () => Expr, ops: string[]) => (): Expr => {
    let e = next();
    for (let o = take(...ops); o; o = take(...ops)) {
      const at = (toks[p - 1] as Token).at;
      e = { t: 'bin', op: o as BinOp, left: e, right: next(), at };
    }
    return e;
  };
  const atom = (): Expr => {
    const t = peek();
    p += 1;
    if (t.k === 'num') return { t: 'lit', value: Number(t.v) };
    if (t.k === 'str') return { t: 'lit', value: t.v };
    if (t.k === 'op' && t.v === '(') {
      const e = or();
      if (!take(')')) throw new ExpressionError(`expected ")" at column ${peek().at + 1}`, peek().at);
      return e;
    }
    if (t.k === 'id' && !WORD_OPS[t.v]) {
      if (t.v === 'true' || t.v === 'false') return { t: 'lit', value: t.v === 'true' };
      if (t.v === 'null') return { t: 'lit', value: null };
      const parts = [t.v];
      while (take('.')) {
        const nx = peek();
        if (nx.k !== 'id') throw new ExpressionError(`expected a name after "." at column ${nx.at + 1}`, nx.at);
        parts.push(nx.v);
        p += 1;
      }
      return { t: 'path', parts, at: t.at };
    }
    const what = t.k === 'end' ? 'end of expression' : `"${t.v}"`;
    throw new ExpressionError(`unexpected ${what} at column ${t.at + 1}`, t.at);
  };
  const unary = (): Expr => (take('-') ? { t: 'neg', arg: unary() } : atom());
  const prod = left(unary, ['*', '/', '%']);
  const sum = left(prod, ['+', '-']);
  const cmp = (): Expr => {
    const l = sum();
    const o = take('==', '!=', '<=', '>=', '<', '>');
    return o ? { t: 'bin', op: o as BinOp, left: l, right: sum(), at: (toks[p - 1] as Token).at } : l;
  };
  const not = (): Expr => (take('!') ? { t: 'not', arg: not() } : cmp());
  const and = left(not, ['&&']);
  const or = left(and, ['||']);
  const e = or();
  if (peek().k !== 'end') throw new ExpressionError(`unexpected "${peek().v}" at column ${peek().at + 1}`, peek().at);
  return e;
}

/** Every identifier path the expression reads, e.g. ["restart_count"], ["steps", "health", "ok"]. */
export function expressionPaths(e: Expr): string[][] {
  switch (e.t) {
    case 'lit':
      return [];
    case 'path':
      return [e.parts];
    case 'not':
    case 'neg':
      return expressionPaths(e.arg);
    case 'bin':
      return [...expressionPaths(e.left), ...expressionPaths(e.right)];
  }
}
