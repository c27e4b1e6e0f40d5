/**
 * Pulling an image from the browser: Debian's docker-registry on loopback (the stack's agent runs
 * on this machine, and loopback registries are insecure by default) holds a busybox image of two
 * layers. A bad reference is refused as it is typed, each layer gets a bar, the list shows the
 * image afterwards, and a missing tag says so. (Named to run before hosts.spec.ts, which changes
 * the admin's password.)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { busyboxRootfs } from '../agent/src/engine/images/testing/busybox-image.ts';
import { goArch, layerTar, sha256 } from '../agent/src/engine/images/testing/image-archive-builder.ts';
import { rawPushImage } from '../agent/src/engine/registry/testing/raw-push.ts';
import { startRegistry, type TestRegistry } from '../agent/src/engine/registry/testing/registry-server.ts';
import { logInAsAdmin, screenshot, url } from './session.ts';

let scratch: string;
let registry: TestRegistry;

test.beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'berthtest-e2e-registry-'));
  registry = await startRegistry(scratch);
  const layers = [
    busyboxRootfs(),
    layerTar([
      { path: 'etc', type: 'dir' },
      { path: 'etc/berthtest-pulled', content: 'pulled from the browser\n' },
    ]),
  ];
  await rawPushImage(registry.host, 'berthtest/pulled', {
    layers,
    diffIds: layers.map((l) => sha256(l)),
    architecture: goArch(),
    tag: '1',
  });
});
test.afterAll(async () => {
  await registry?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

test('pull an image from a registry with a bar per layer; a missing tag is a clear error', async ({
  page,
}) => {
  test.setTimeout(120_000);
  const image = `${registry.host}/berthtest/pulled:1`;
  await logInAsAdmin(page);
  await page.goto(`${url()}/images`);
  await page.getByRole('button', { name: 'Pull image' }).click();
  const dialog = page.getByRole('dialog', { name: 'Pull an image' });
  const reference = dialog.getByRole('textbox', { name: 'Image' });

  await reference.fill('Not A Reference');
  await expect(dialog.getByRole('alert')).toContainText('not an image reference');
  await expect(dialog.getByRole('button', { name: 'Pull', exact: true })).toBeDisabled();

  await reference.fill(image);
  await dialog.getByRole('button', { name: 'Pull', exact: true }).click();
  await expect(dialog.getByRole('status')).toContainText(`Pulled ${image}`, { timeout: 60_000 });
  const bars = dialog.getByRole('progressbar');
  await expect(bars).toHaveCount(2);
  for (const bar of await bars.all()) await expect(bar).toHaveAttribute('aria-valuenow', '100');
  await screenshot(page, 'image-pull');

  await reference.fill(`${registry.host}/berthtest/pulled:berthtest-missing`);
  await dialog.getByRole('button', { name: 'Pull', exact: true }).click();
  await expect(dialog.getByRole('alert')).toContainText('berthtest-missing', { timeout: 30_000 });
  await page.keyboard.press('Escape');

  await expect(page.getByTestId('image-row').filter({ hasText: image })).toBeVisible({ timeout: 15_000 });
});
