export { freePort } from './free-port.ts';
export { type PidFileOptions, takePidFile } from './pid-file.ts';
export { processAlive, processCommand } from './process-alive.ts';
