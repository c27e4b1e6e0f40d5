/**
 * berth-agent: the engine daemon for one host. Runs standalone (Docker API on
 * a unix socket) or joined to a control plane over an outbound websocket.
 */
import { accessSync, constants, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { takePidFile } from '@berth/process';
import { ConfigError, HelpRequested, loadAgentConfig } from './config/agent-config.ts';
import { listenUnix } from './docker-api/listen-unix.ts';
import { createDockerApiServer } from './docker-api/server.ts';
import { openEngine } from './engine/engine.ts';
import { dataLayout } from './engine/layout.ts';
import { readHostInfo } from './link/host-info.ts';
import { LinkClient } from './link/link-client.ts';
import { linkProcedures } from './link/procedures/index.ts';
import { RequestHandler } from './link/request-handler.ts';
import { StateReporter } from './link/state-reporter.ts';

function log(message: string): void {
  console.log(`${new Date().toISOString()} ${message}`);
}

function die(message: string): never {
  console.error(`berth-agent: ${message}`);
  process.exit(1);
}

async function main(): Promise<void> {
  let config: ReturnType<typeof loadAgentConfig>;
  try {
    config = loadAgentConfig(process.argv.slice(2), process.env);
  } catch (err) {
    if (err instanceof HelpRequested) {
      console.log(err.message);
      process.exit(0);
    }
    if (err instanceof ConfigError) die(err.message);
    throw err;
  }
  const layout = dataLayout(config.dataRoot);
  try {
    mkdirSync(layout.agent, { recursive: true, mode: 0o700 });
    accessSync(config.dataRoot, constants.W_OK);
  } catch (err) {
    die(`data root ${config.dataRoot} is not writable: ${(err as Error).message}`);
  }
  let releaseLock: () => void;
  try {
    releaseLock = takePidFile(join(layout.agent, 'agent.pid'), {
      held: (pid) => new Error(`another agent on ${config.dataRoot} is running (pid ${pid})`),
    });
  } catch (err) {
    die((err as Error).message);
  }

  let engine: Awaited<ReturnType<typeof openEngine>>;
  try {
    engine = await openEngine({
      dataRoot: config.dataRoot,
      cgroupParent: config.cgroupParent,
      registry: {
        insecureRegistries: config.insecureRegistries,
        mirrors: config.registryMirrors,
        certsDir: config.registryCertsDir,
      },
      usernsRemap: config.usernsRemap,
      network: {
        defaultBridge: config.bridge,
        defaultSubnet: config.bridgeSubnet,
        addressPool: config.addressPool,
        nftTable: config.nftTable,
        ifPrefix: config.interfacePrefix,
      },
    });
  } catch (err) {
    releaseLock();
    die(`cannot open the engine: ${(err as Error).message}`);
  }
  const dockerApi = createDockerApiServer(engine);
  try {
    await listenUnix(dockerApi, config.dockerSocket);
  } catch (err) {
    releaseLock();
    die(`cannot serve the Docker API on ${config.dockerSocket}: ${(err as Error).message}`);
  }
  log(`Docker API on unix://${config.dockerSocket}`);

  let link: LinkClient | undefined;
  if (config.controlPlane) {
    link = new LinkClient({
      controlPlane: config.controlPlane,
      joinToken: config.joinToken,
      credentialFile: join(layout.agent, 'credential.json'),
      hostInfo: () => readHostInfo(config.name),
      log,
      openSession: (channel) => {
        const procedures = linkProcedures(engine, () => handler.stats());
        const handler = new RequestHandler(channel, procedures.calls, procedures.streams, log);
        const state = new StateReporter(engine, channel.send);
        state.start().catch((err) => log(`link: state report failed: ${(err as Error).message}`));
        return {
          onMessage: (m) => handler.onMessage(m),
          onBinary: (b) => handler.onBinary(b),
          close: () => {
            state.stop();
            handler.close();
          },
        };
      },
    });
    try {
      await link.start();
    } catch (err) {
      dockerApi.close();
      releaseLock();
      die((err as Error).message);
    }
  }

  const shutdown = (signal: string) => {
    log(`${signal}: stopping (containers keep running)`);
    link?.stop();
    dockerApi.close();
    engine.registry.close();
    releaseLock();
    process.exit(0);
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
}

await main();
