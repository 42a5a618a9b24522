import type { ErrorRequestHandler } from 'express';
import { z } from 'zod';

/** An error the API answers with its own status and message (never a 500 with internals). */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly issues?: Array<{ path: string; message: string }>,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/** The body of every error answer of the JSON API; published in the OpenAPI document. */
export const ErrorBodySchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    /** One per field at fault, with a dotted path ("alerts.0.status"). */
    issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  }),
});
export type ErrorBody = z.infer<typeof ErrorBodySchema>;

export const notFound = (what: string) => new HttpError(404, 'not_found', `${what} not found`);
export const conflict = (reason: string) => new HttpError(409, 'conflict', reason);
export const unavailable = (what: string) => new HttpError(503, 'unavailable', `${what} is unavailable; retry later`);

/**
 * Turns zod issues into `{ path, message }` pairs with a dotted path naming the field; an
 * unknown field is named itself (zod reports it at the object that holds it).
 */
export function fieldIssues(error: z.ZodError): Array<{ path: string; message: string }> {
  return error.issues.flatMap((issue) => {
    const at = issue.path.map(String);
    const paths = issue.code === 'unrecognized_keys' ? issue.keys.map((key) => [...at, key]) : [at];
    return paths.map((p) => ({ path: p.length > 0 ? p.join('.') : '(body)', message: issue.message }));
  });
}

export function validationError(error: z.ZodError, where = 'request body'): HttpError {
  const issues = fieldIssues(error);
  const summary = issues.map((i) => `${i.path}: ${i.message}`).join('; ');
  return new HttpError(400, 'validation_failed', `invalid ${where}: ${summary}`, issues);
}

/** Parses with a zod schema and returns the parsed value, or throws a 400 naming each field. */
export function parseOr400<S extends z.ZodType>(schema: S, value: unknown, where?: string): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw validationError(parsed.error, where);
  return parsed.data;
}

/** body-parser marks its errors with `type`; map each to a client error naming the rule. */
function bodyParserError(err: {
  type?: string;
  status?: number;
  limit?: number;
  message?: string;
}): HttpError | undefined {
  switch (err.type) {
    case 'entity.parse.failed':
      return new HttpError(400, 'malformed_json', `request body is not valid JSON: ${err.message ?? ''}`.trim());
    case 'entity.too.large':
      return new HttpError(413, 'body_too_large', `request body exceeds the limit of ${err.limit} bytes`);
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new HttpError(415, 'unsupported_encoding', err.message ?? 'unsupported encoding');
    case 'request.aborted':
      return new HttpError(400, 'request_aborted', 'request was aborted by the client');
    default:
      return undefined;
  }
}

/** The MongoDB driver's "cannot reach the server" family: the caller should retry. */
function storeUnavailable(err: unknown): HttpError | undefined {
  const name = (err as { name?: string } | undefined)?.name ?? '';
  return /^Mongo(ServerSelection|NotConnected|Network|NetworkTimeout|TopologyClosed)Error$/.test(name)
    ? unavailable('the configuration store')
    : undefined;
}

/** The client error or 503 an error stands for; undefined for an unexpected one (a 500). */
export function knownHttpError(err: unknown): HttpError | undefined {
  return err instanceof HttpError ? err : (bodyParserError(err as { type?: string }) ?? storeUnavailable(err));
}

/** Seconds a sender waits before repeating a request answered 503. */
export const RETRY_AFTER_S = 5;

export const errorMapper: ErrorRequestHandler = (err, req, res, _next) => {
  const known = knownHttpError(err);
  if (known) {
    if (known.status >= 500) req.log?.warn({ code: known.code }, known.message);
    // A 503 is an outage of Temporal or MongoDB: tell the sender when to try again (RFC 9110).
    if (known.status === 503 && !res.hasHeader('retry-after')) res.setHeader('retry-after', String(RETRY_AFTER_S));
    const body: ErrorBody = { error: { code: known.code, message: known.message, issues: known.issues } };
    res.status(known.status).json(body);
    return;
  }
  req.log?.error({ err }, 'unhandled error');
  const body: ErrorBody = { error: { code: 'internal', message: 'internal error' } };
  res.status(500).json(body);
};
