import type { LogLevel, LogMetadata, Logger as SdkLogger } from '@temporalio/common';
import type { Logger } from '../lib/logger';

const toPino: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

/** Routes the Temporal SDK's logs (worker, workflow and activity loggers) into pino. */
export class PinoSdkLogger implements SdkLogger {
  constructor(private readonly pino: Logger) {}

  log(level: LogLevel, message: string, meta?: LogMetadata): void {
    this.pino[toPino[level]](meta ?? {}, message);
  }
  trace(message: string, meta?: LogMetadata): void {
    this.pino.trace(meta ?? {}, message);
  }
  debug(message: string, meta?: LogMetadata): void {
    this.pino.debug(meta ?? {}, message);
  }
  info(message: string, meta?: LogMetadata): void {
    this.pino.info(meta ?? {}, message);
  }
  warn(message: string, meta?: LogMetadata): void {
    this.pino.warn(meta ?? {}, message);
  }
  error(message: string, meta?: LogMetadata): void {
    this.pino.error(meta ?? {}, message);
  }
}
