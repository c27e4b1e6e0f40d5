/**
 * Starts the real stack (stack.ts) for the browser tests and hands its URL and first-admin login
 * to them through the environment. The returned function stops it all and removes the directory.
 */
import { startStack } from './stack.ts';

export default async function globalSetup(): Promise<() => Promise<void>> {
  const stack = await startStack();
  process.env.BERTH_E2E_URL = stack.url;
  process.env.BERTH_E2E_USERNAME = stack.username;
  process.env.BERTH_E2E_PASSWORD = stack.password;
  process.env.BERTH_E2E_DATA = stack.dataDir;
  return () => stack.stop({ keep: Boolean(process.env.BERTH_E2E_KEEP) });
}
