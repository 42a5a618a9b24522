import type { LogLevel, LogMetadata, Logger as SdkLogger } from '@temporalio/common';
import type { Logger } from '../lib/logger';

const toPino: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

/**
 * The worker's routine life-cycle messages (one per task queue) and webpack's bundle report: debug, not info. "No
 * workflows registered" is expected on the per-channel notify queues, which run activities only.
 */
const ROUTINE = [
  /^asset workflow-bundle/,
  /^Worker state changed/,
  /^No Nexus services registered/,
  /^No workflows registered/,
];
const quiet = (level: LogLevel, message: string): LogLevel =>
  (level === 'INFO' || level === 'WARN') && ROUTINE.some((r) => r.test(message)) ? 'DEBUG' : level;

/** Routes the Temporal SDK's logs (worker, workflow and activity loggers) into pino. */
export class PinoSdkLogger implements SdkLogger {
  constructor(private readonly pino: Logger) {}

  log(level: LogLevel, message: string, meta?: LogMetadata): void {
    this.pino[toPino[quiet(level, message)]](meta ?? {}, message);
  }
  trace(message: string, meta?: LogMetadata): void {
    this.pino.trace(meta ?? {}, message);
  }
  debug(message: string, meta?: LogMetadata): void {
    this.pino.debug(meta ?? {}, message);
  }
  info(message: string, meta?: LogMetadata): void {
    this.log('INFO', message, meta);
  }
  warn(message: string, meta?: LogMetadata): void {
    this.log('WARN', message, meta);
  }
  error(message: string, meta?: LogMetadata): void {
    this.pino.error(meta ?? {}, message);
  }
}
