import mongoose from 'mongoose';
import type { Logger } from './logger';

/**
 * One mongoose connection per process. `bufferCommands: false` makes a store outage fail
 * fast (activities retry; the API answers 503) instead of queueing writes in memory.
 */
export async function connectMongo(uri: string, log: Logger): Promise<typeof mongoose> {
  mongoose.set('strictQuery', true);
  const conn = await mongoose.connect(uri, {
    bufferCommands: false,
    serverSelectionTimeoutMS: 5_000,
    autoIndex: true,
  });
  log.info({ db: conn.connection.name }, 'mongodb connected');
  return conn;
}

export async function pingMongo(): Promise<void> {
  const db = mongoose.connection.db;
  if (mongoose.connection.readyState !== 1 || !db) throw new Error('mongodb is not connected');
  await db.admin().ping();
}

export async function disconnectMongo(): Promise<void> {
  await mongoose.disconnect();
}

/** MongoDB's (and FerretDB's) code for a write a unique index refused. */
export const DUPLICATE_KEY = 11000;

/** Whether `err` is a write a unique index refused (another writer got there first). */
export const isDuplicateKey = (err: unknown): boolean => (err as { code?: number } | undefined)?.code === DUPLICATE_KEY;
