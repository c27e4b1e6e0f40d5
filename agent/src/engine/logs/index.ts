export { livePath, logFiles } from './files.ts';
export {
  boundToNs,
  formatTimeNs,
  type LogEntry,
  LogRecord,
  LogStream,
  parseTimeNs,
  type TimeBound,
} from './format.ts';
export { type ReadLogsOptions, readLogs } from './reader.ts';
export { JsonLogWriter, type LogWriterOptions } from './writer.ts';
