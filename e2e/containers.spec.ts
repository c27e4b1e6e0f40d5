/**
 * A container's life from the browser, against the real stack and its real agent: load an image
 * from a file, run a container and watch it appear, use its terminal (answers, resize, a reload
 * that finds the same shell with its output), follow its logs, stop and remove it, and find each
 * action in the audit log. (Runs before hosts.spec.ts, which changes the admin's password.)
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, type Page, test } from '@playwright/test';
import { busyboxArchive } from '../agent/src/engine/images/testing/busybox-image.ts';
import { logInAsAdmin, screenshot, url } from './session.ts';

const NAME = 'berthtest-e2e-shell';
let scratch: string;
let archivePath: string;

test.beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'berthtest-e2e-image-'));
  archivePath = join(scratch, 'busybox.tar');
  writeFileSync(archivePath, busyboxArchive().archive);
});
test.afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const terminalText = (page: Page) => page.getByTestId('terminal').locator('.xterm-rows');

async function typeLine(page: Page, line: string) {
  await page.keyboard.type(line);
  await page.keyboard.press('Enter');
}

test.describe.configure({ mode: 'serial' });

test('load busybox from a file, run it, use its terminal across a reload, follow logs, stop, remove, audit', async ({
  page,
}) => {
  test.setTimeout(180_000);
  await logInAsAdmin(page);

  // 1. load an image archive
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Images' }).click();
  await page.waitForLoadState('networkidle');
  await page.getByLabel('Image archive (docker save)').setInputFiles(archivePath);
  await page.getByRole('button', { name: 'Load', exact: true }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Loaded' })).toContainText('busybox:latest', {
    timeout: 60_000,
  });
  await expect(page.getByTestId('image-row').filter({ hasText: 'busybox:latest' })).toHaveCount(1, {
    timeout: 30_000,
  });
  await screenshot(page, 'images');

  // 2. run a container that writes a line a second
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Containers' }).click();
  await page.waitForLoadState('networkidle');
  await page.getByRole('button', { name: 'Run container' }).click();
  const dialog = page.getByRole('dialog', { name: 'Run a container' });
  await dialog.getByLabel('Image').fill('busybox:latest');
  await dialog.getByLabel('Name').fill('bad name!');
  await expect(dialog.getByRole('alert')).toContainText('only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed');
  await dialog.getByLabel('Name').fill(NAME);
  await dialog
    .getByLabel('Command')
    .fill(`sh -c 'echo hello-from-berthtest; i=0; while :; do i=$((i+1)); echo tick $i; sleep 1; done'`);
  await dialog.getByLabel('Labels').fill('berthtest=e2e');
  // limits and ports as docker run takes them, checked as typed
  await dialog.getByLabel('Memory limit').fill('lots');
  await expect(dialog.getByRole('alert')).toContainText('a size such as 512m');
  await dialog.getByLabel('Memory limit').fill('64m');
  await dialog.getByLabel('Published ports').fill('80');
  await screenshot(page, 'run-dialog');
  await dialog.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(dialog).toBeHidden({ timeout: 60_000 });
  const row = page.getByTestId('container-row').filter({ hasText: NAME });
  await expect(row.getByTestId('container-status')).toHaveText('running', { timeout: 30_000 });
  // -p 80 took a free host port: shown as a link to it
  await expect(row.getByTestId('container-ports').getByRole('link')).toHaveText(/^\d+:80$/, {
    timeout: 15_000,
  });
  // its memory in use, from the host's reports
  await expect(row.getByTestId('container-memory')).toHaveText(/\d/, { timeout: 20_000 });
  // the label filter narrows the list to it
  await page.getByLabel('Label').fill('berthtest=e2e');
  await expect(page.getByTestId('container-row')).toHaveCount(1);
  await screenshot(page, 'containers');

  // 3. its terminal
  await row.getByRole('link', { name: NAME }).click();
  await expect(page.getByRole('heading', { name: NAME })).toBeVisible();
  const shortId = (await page.locator('.page-head .sub.mono').first().textContent())?.trim() ?? '';
  expect(shortId).toMatch(/^[0-9a-f]{12}$/);
  await page.getByRole('tab', { name: 'Terminal' }).click();
  await page.getByRole('button', { name: 'Open a shell' }).click();
  await expect(page.getByTestId('terminal-state')).toHaveText('Connected');
  await expect(page).toHaveURL(/session=[0-9a-f]{32}/);
  await page.getByTestId('terminal').click();
  await typeLine(page, 'hostname');
  await expect(terminalText(page)).toContainText(shortId);
  await typeLine(page, 'echo $((6*7))');
  await expect(terminalText(page)).toContainText('42');
  await typeLine(page, 'echo pid-$$-end');
  await expect(terminalText(page)).toContainText(/pid-\d+-end/);
  const pidLine = (await terminalText(page).textContent())?.match(/pid-(\d+)-end/)?.[0] ?? '';

  // resize follows the window
  await typeLine(page, 'stty size');
  await expect(terminalText(page)).toContainText(/\n?\d+ \d+/);
  const sizeBefore = [
    ...((await terminalText(page).textContent()) ?? '').matchAll(/(\d+) (\d+)(?=\D|$)/g),
  ].at(-1)?.[0];
  await page.setViewportSize({ width: 900, height: 560 });
  await typeLine(page, 'clear; stty size');
  await expect
    .poll(
      async () => [...((await terminalText(page).textContent()) ?? '').matchAll(/(\d+) (\d+)/g)].at(-1)?.[0],
    )
    .not.toBe(sizeBefore);

  // a reload finds the same shell, with its output replayed
  const sessionUrl = page.url();
  await page.reload();
  await expect(page).toHaveURL(sessionUrl);
  await expect(page.getByTestId('terminal-state')).toHaveText('Connected');
  await page.getByTestId('terminal').click();
  await typeLine(page, 'echo pid-$$-end');
  await expect(terminalText(page)).toContainText(`${pidLine}`);
  await typeLine(page, 'echo $((6*7))');
  await expect(terminalText(page)).toContainText('42');
  await screenshot(page, 'terminal');

  // 4. live logs: the first line, then new ticks as they are written
  await page.getByRole('tab', { name: 'Logs' }).click();
  const logs = page.getByTestId('logs');
  await expect(logs).toContainText('hello-from-berthtest');
  const ticks = async () => Number(((await logs.textContent()) ?? '').match(/tick (\d+)\s*$/)?.[1] ?? 0);
  const first = await ticks();
  await expect.poll(ticks, { timeout: 10_000 }).toBeGreaterThan(first);
  await page.getByLabel('Search logs').fill('hello');
  await expect(logs).toHaveText('hello-from-berthtest');
  await screenshot(page, 'logs');

  // 5. processes and stats
  await page.getByRole('tab', { name: 'Inspect' }).click();
  await expect(page.getByTestId('inspect-json')).toContainText('"Memory": 67108864');
  await expect(page.getByTestId('inspect-json')).toContainText('"80/tcp"');
  await page.getByRole('tab', { name: 'Processes' }).click();
  await expect(page.getByTestId('process-row').filter({ hasText: 'sleep' }).first()).toBeVisible();
  await page.getByRole('tab', { name: 'Stats' }).click();
  await expect(page.getByTestId('stats-memory')).toContainText(/\d/);
  // a sample a second, charted
  await expect
    .poll(async () =>
      Number(
        await page.getByRole('img', { name: 'Memory over the last minute' }).getAttribute('data-points'),
      ),
    )
    .toBeGreaterThanOrEqual(3);
  await screenshot(page, 'stats');

  // 6. end the terminal session, stop and remove the container
  await page.getByRole('tab', { name: 'Terminal' }).click();
  await page.getByRole('button', { name: 'End session' }).click();
  await page
    .getByRole('dialog', { name: 'End this terminal session?' })
    .getByRole('button', { name: 'End session' })
    .click();
  await page.getByRole('button', { name: 'Stop' }).click();
  await expect(page.getByTestId('container-status')).toHaveText(/exited/, { timeout: 30_000 });
  await page.getByRole('button', { name: 'Remove' }).click();
  await page
    .getByRole('dialog', { name: `Remove ${NAME}?` })
    .getByRole('button', { name: 'Remove container' })
    .click();
  await expect(page).toHaveURL(`${url()}/containers`);
  await expect(page.getByTestId('container-row').filter({ hasText: NAME })).toHaveCount(0, {
    timeout: 30_000,
  });

  // 7. every action is in the audit log
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Audit log' }).click();
  const entries = page.getByTestId('audit-row');
  for (const action of [
    'image.load',
    'container.run',
    'container.exec',
    'terminal.close',
    'container.stop',
    'container.remove',
  ]) {
    await expect(entries.filter({ hasText: action }).first(), action).toBeVisible();
  }
  await screenshot(page, 'audit-containers');
});
