import { createHash, randomBytes } from 'node:crypto';
import { model, models, Schema, type Model } from 'mongoose';
import { ConfigModels } from './config';

/**
 * Personal API tokens. The secret is 32 random bytes shown once as `vgl_<base64url>`; only
 * its SHA-256 is stored (`hash`, unique), so a copy of the database holds no usable token.
 * `userCreatedAt` pins the token to the user as it existed when the token was made: a user
 * deleted and created again under the same id does not inherit the old one's tokens.
 */
export const TOKEN_PREFIX = 'vgl_';
export const TOKEN_ID_PATTERN = /^tok_[A-Za-z0-9_-]{16}$/;
export const PERSONAL_ROLES = ['responder', 'admin'] as const;
export type PersonalRole = (typeof PERSONAL_ROLES)[number];

export interface ApiTokenRecord {
  id: string;
  userId: string;
  name: string;
  role: PersonalRole;
  hash: string;
  userCreatedAt: Date;
  createdAt: Date;
  /** The actor who made it: the user, an admin, or `system:<name>`. */
  createdBy: string;
  expiresAt?: Date;
  revokedAt?: Date;
  revokedBy?: string;
}

type ApiTokenDoc = Omit<ApiTokenRecord, 'id'> & { _id: string };

const schema = new Schema<ApiTokenDoc>(
  {
    _id: { type: String, required: true },
    userId: { type: String, required: true, index: true },
    name: { type: String, required: true },
    role: { type: String, required: true, enum: PERSONAL_ROLES },
    hash: { type: String, required: true, unique: true },
    userCreatedAt: { type: Date, required: true },
    createdAt: { type: Date, required: true },
    createdBy: { type: String, required: true },
    expiresAt: Date,
    revokedAt: Date,
    revokedBy: String,
  },
  { collection: 'api_tokens', versionKey: false },
);

export const ApiTokenModel: Model<ApiTokenDoc> =
  (models.ApiToken as Model<ApiTokenDoc> | undefined) ?? model<ApiTokenDoc>('ApiToken', schema);

/** Hex SHA-256 of a presented secret: what is stored and looked up. */
export const tokenHash = (secret: string): string => createHash('sha256').update(secret, 'utf8').digest('hex');

/** A new secret (shown once), its hash and a token id. */
export function mintToken(): { id: string; token: string; hash: string } {
  const token = `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
  return { id: `tok_${randomBytes(12).toString('base64url')}`, token, hash: tokenHash(token) };
}

export interface ApiTokenStore {
  insert(token: ApiTokenRecord): Promise<void>;
  /** A user's tokens, revoked and expired ones included, oldest first. */
  list(userId: string): Promise<ApiTokenRecord[]>;
  /** Marks it revoked (once: a second revoke keeps the first time); undefined when the user has no such token. */
  revoke(userId: string, tokenId: string, by: string, at: Date): Promise<ApiTokenRecord | undefined>;
  findByHash(hash: string): Promise<ApiTokenRecord | undefined>;
  findById(id: string): Promise<ApiTokenRecord | undefined>;
}

const toRecord = ({ _id, ...rest }: ApiTokenDoc): ApiTokenRecord => ({ id: _id, ...rest });

export const mongoApiTokenStore: ApiTokenStore = {
  async insert({ id, ...rest }) {
    await ApiTokenModel.create({ _id: id, ...rest });
  },
  async list(userId) {
    return (await ApiTokenModel.find({ userId }).sort({ createdAt: 1, _id: 1 }).lean()).map(toRecord);
  },
  async revoke(userId, tokenId, by, at) {
    await ApiTokenModel.updateOne(
      { _id: tokenId, userId, revokedAt: { $exists: false } },
      { $set: { revokedAt: at, revokedBy: by } },
    );
    const doc = await ApiTokenModel.findOne({ _id: tokenId, userId }).lean();
    return doc ? toRecord(doc) : undefined;
  },
  async findByHash(hash) {
    const doc = await ApiTokenModel.findOne({ hash }).lean();
    return doc ? toRecord(doc) : undefined;
  },
  async findById(id) {
    const doc = await ApiTokenModel.findOne({ _id: id }).lean();
    return doc ? toRecord(doc) : undefined;
  },
};

/** The user a token belongs to, as configured now (name and when the entity was created). */
export async function configuredUser(userId: string): Promise<{ name: string; createdAt: Date } | undefined> {
  const doc = await ConfigModels.user.findById(userId).lean();
  return doc ? { name: doc.spec.name, createdAt: doc.createdAt } : undefined;
}
