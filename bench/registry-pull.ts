/**
 * Issue 6's target: pull of a locally built 5-layer (~100 MB, gzip) image
 * from Debian's docker-registry on loopback into a cold store, several runs,
 * median; beside `docker pull` through dockerd when Debian's docker.io is
 * installed (its own data root, image removed between runs).
 *   node --import tsx bench/registry-pull.ts [runs]
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { DOCKER_CLI } from '../agent/src/docker-api/testing/agent-under-test.ts';
import { goArch, layerTar, sha256 } from '../agent/src/engine/images/testing/image-archive-builder.ts';
import { rawPushImage } from '../agent/src/engine/registry/testing/raw-push.ts';
import { registryAvailable, startRegistry } from '../agent/src/engine/registry/testing/registry-server.ts';
import { registryTestKit } from '../agent/src/engine/registry/testing/registry-test-kit.ts';
import { startDockerd } from './dockerd.ts';
import { msSince, quantile, report } from './stats.ts';

process.stdout.on('error', () => {});
const runs = Number(process.argv[2] ?? 5);

if (!registryAvailable()) {
  console.log('docker-registry not installed (apt-get install -y docker-registry)');
  process.exit(0);
}

/** ~20 MB per layer: half random (incompressible, like binaries), half text-like, in many files */
function layer(i: number): Buffer {
  const entries = [{ path: `layer${i}`, type: 'dir' as const }];
  const files = [];
  for (let f = 0; f < 40; f++) {
    const random = randomBytes(256 * 1024);
    const text = Buffer.from(`line ${i}/${f} of a config-like file with some repetition\n`.repeat(4300));
    files.push({ path: `layer${i}/file${f}.bin`, content: Buffer.concat([random, text]) });
  }
  return layerTar([...entries, ...files]);
}

const kit = registryTestKit();
const registry = await startRegistry(join(kit.root, 'registry'));
try {
  const plain = Array.from({ length: 5 }, (_, i) => layer(i));
  const gz = plain.map((l) => gzipSync(l, { level: 6 }));
  const mb = (n: number) => (n / 1e6).toFixed(1);
  console.log(
    `image: 5 layers, ${mb(plain.reduce((n, l) => n + l.byteLength, 0))} MB uncompressed, ${mb(gz.reduce((n, l) => n + l.byteLength, 0))} MB gzip`,
  );
  await rawPushImage(registry.host, 'berthbench/pull', {
    layers: gz,
    diffIds: plain.map((l) => sha256(l)),
    architecture: goArch(),
    tag: 'latest',
  });
  const ref = `${registry.host}/berthbench/pull:latest`;

  const times: number[] = [];
  for (let i = 0; i < runs + 1; i++) {
    const engine = kit.engine({ backoffMs: 250 }, {}, true);
    // the previous run's dirty pages written out first, so they do not throttle this one
    spawnSync('sync');
    const t0 = process.hrtime.bigint();
    await engine.registry.pull(ref);
    if (i > 0) times.push(msSince(t0)); // the first run warms the registry's page cache
    rmSync(engine.root, { recursive: true, force: true });
  }
  report('berth: pull 5 layers ~100 MB, cold store', times);

  const dockerd = await startDockerd();
  if (dockerd === undefined) {
    console.log('dockerd: not installed (apt-get install -y docker.io to compare)');
  } else {
    try {
      const dockerTimes: number[] = [];
      for (let i = 0; i < runs + 1; i++) {
        spawnSync('sync');
        const t0 = process.hrtime.bigint();
        // loopback registries are insecure-allowed by dockerd by default, as by Berth
        const r = spawnSync(DOCKER_CLI, ['pull', '-q', ref], { env: dockerd.env, encoding: 'utf8' });
        if (r.status !== 0) throw new Error(`docker pull failed: ${r.stderr}`);
        if (i > 0) dockerTimes.push(msSince(t0));
        // cold store again: the image and its layers gone
        spawnSync(DOCKER_CLI, ['rmi', '-f', ref], { env: dockerd.env });
        spawnSync(DOCKER_CLI, ['image', 'prune', '-af'], { env: dockerd.env });
      }
      report('dockerd: docker pull, same image, cold store', dockerTimes);
      const ratio = quantile(dockerTimes, 0.5) / quantile(times, 0.5);
      console.log(`berth is ${ratio.toFixed(2)}x as fast as dockerd (median; target >= 1.5x)`);
    } finally {
      await dockerd.stop();
    }
  }
} finally {
  await registry.stop();
  kit.cleanup();
}
process.exit(0);
