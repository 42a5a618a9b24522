/**
 * Console sign-in: a personal token is checked once and turned into a session, kept in
 * MongoDB (so any API replica knows it) under the SHA-256 of a random id; the browser
 * holds only the id, in an httpOnly, SameSite=Strict cookie that expires with the session.
 * Every form carries the session's CSRF token; the sign-in form, before any session, a
 * double-submit token (a cookie and a field that must match).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Request, Response } from 'express';
import { parse, serialize } from 'cookie';
import { model, models, Schema, type Model } from 'mongoose';
import type { Principal } from '../api/auth';

/** Who is signed in: the token's principal, with the user id of a personal token. */
export type ConsoleUser = Principal & { actor?: string; userId?: string; tokenId?: string };

export interface Session {
  user: ConsoleUser;
  csrf: string;
  expiresAt: Date;
}

export interface SessionStore {
  create(id: string, session: Session): Promise<void>;
  find(id: string): Promise<Session | undefined>;
  remove(id: string): Promise<void>;
}

interface SessionDoc extends Session {
  _id: string;
}
const schema = new Schema<SessionDoc>(
  {
    _id: { type: String, required: true },
    user: { type: Schema.Types.Mixed, required: true },
    csrf: { type: String, required: true },
    expiresAt: { type: Date, required: true },
  },
  { collection: 'console_sessions', versionKey: false },
);
const SessionModel: Model<SessionDoc> =
  (models.ConsoleSession as Model<SessionDoc> | undefined) ?? model<SessionDoc>('ConsoleSession', schema);

const hashed = (id: string) => createHash('sha256').update(id).digest('hex');

/** Sessions by `_id` point reads (the one read FerretDB answers without a scan). */
export const mongoSessionStore: SessionStore = {
  async create(id, s) {
    await SessionModel.create({ _id: hashed(id), ...s });
  },
  async find(id) {
    const doc = await SessionModel.findOne({ _id: hashed(id) }).lean();
    return doc ? { user: doc.user, csrf: doc.csrf, expiresAt: doc.expiresAt } : undefined;
  },
  async remove(id) {
    await SessionModel.deleteOne({ _id: hashed(id) });
  },
};

export const SESSION_HOURS = 12;
const newSecret = () => randomBytes(32).toString('base64url');

export const sameSecret = (a: string | undefined, b: string | undefined): boolean => {
  if (!a || !b) return false;
  const x = createHash('sha256').update(a).digest();
  const y = createHash('sha256').update(b).digest();
  return timingSafeEqual(x, y) && a.length === b.length;
};

export function createSessions(store: SessionStore, opts: { secure: boolean; now?: () => number }) {
  const now = opts.now ?? Date.now;
  // `__Host-` binds a cookie to this origin and path "/", but requires Secure (https).
  const name = opts.secure ? '__Host-vigil_session' : 'vigil_session';
  const signInName = opts.secure ? '__Host-vigil_signin' : 'vigil_signin';
  const cookie = (value: string, maxAge: number) =>
    serialize(name, value, { httpOnly: true, sameSite: 'strict', secure: opts.secure, path: '/', maxAge });
  const cookies = (req: Request) => parse(req.headers.cookie ?? '');

  return {
    async start(res: Response, user: ConsoleUser, tokenExpiresAt?: Date): Promise<void> {
      const id = newSecret();
      const limit = now() + SESSION_HOURS * 3_600_000;
      const expiresAt = new Date(Math.min(limit, tokenExpiresAt?.getTime() ?? limit));
      await store.create(id, { user, csrf: newSecret(), expiresAt });
      res.append('set-cookie', cookie(id, Math.floor((expiresAt.getTime() - now()) / 1000)));
      res.append('set-cookie', serialize(signInName, '', { path: '/', maxAge: 0 }));
    },
    /** The live session of this request, or undefined (none, unknown, or expired: then removed). */
    async current(req: Request): Promise<Session | undefined> {
      const id = cookies(req)[name];
      if (!id) return undefined;
      const s = await store.find(id);
      if (s && s.expiresAt.getTime() > now()) return s;
      if (s) await store.remove(id);
      return undefined;
    },
    async end(req: Request, res: Response): Promise<void> {
      const id = cookies(req)[name];
      if (id) await store.remove(id);
      res.append('set-cookie', cookie('', 0));
    },
    /** The sign-in form's double-submit token: set as a cookie, echoed in the form. */
    signInToken(req: Request, res: Response): string {
      const held = cookies(req)[signInName];
      const token = held && /^[\w-]{43}$/.test(held) ? held : newSecret();
      res.append(
        'set-cookie',
        serialize(signInName, token, {
          httpOnly: true,
          sameSite: 'strict',
          secure: opts.secure,
          path: '/',
          maxAge: 3600,
        }),
      );
      return token;
    },
    signInTokenMatches: (req: Request, field: unknown) =>
      typeof field === 'string' && sameSecret(cookies(req)[signInName], field),
  };
}
export type Sessions = ReturnType<typeof createSessions>;
