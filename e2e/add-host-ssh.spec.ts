import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';

const url = () => process.env.BERTH_E2E_URL!;
const screenshots = join(import.meta.dirname, 'screenshots');

// Runs before hosts.spec.ts (which changes the admin password): files run in name order, one worker.
test('Add host → Over SSH validates as you type and reports an unreachable host', async ({ page }) => {
  await page.goto(`${url()}/login`);
  await page.getByLabel('Username').fill(process.env.BERTH_E2E_USERNAME!);
  await page.getByLabel('Password').fill(process.env.BERTH_E2E_PASSWORD!);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByRole('heading', { name: 'Dashboard' })).toBeVisible();
  await page.goto(`${url()}/hosts`);
  await expect(page.getByRole('heading', { name: 'Hosts', exact: true })).toBeVisible();
  await page.waitForLoadState('networkidle');

  await page.getByRole('button', { name: 'Add host' }).click();
  await page.getByRole('tab', { name: 'Over SSH' }).click();
  const form = page.getByRole('form', { name: 'Add a host over SSH' });
  const submit = form.getByRole('button', { name: 'Add over SSH' });

  await form.getByLabel('Address').fill('not a host!');
  await expect(form.getByText('a host name or IP address')).toBeVisible();
  await form.getByLabel('Host key fingerprint (optional)').fill('SHA256:short');
  await expect(form.getByText('SHA256: followed by 43 base64 characters')).toBeVisible();
  await expect(submit).toBeDisabled();

  // Port 1 on loopback: nothing listens, so the attempt fails at its first step.
  await form.getByLabel('Address').fill('127.0.0.1');
  await form.getByLabel('Port').fill('1');
  await form.getByLabel('Host key fingerprint (optional)').fill('');
  await form.getByRole('radio', { name: 'Password' }).check();
  await form.locator('input#ssh-password').fill('berthtest-pw');
  await expect(submit).toBeEnabled();
  await submit.click();
  await expect(form.getByRole('alert')).toContainText('cannot reach 127.0.0.1:1');
  mkdirSync(screenshots, { recursive: true });
  await page.screenshot({ path: join(screenshots, 'add-host-ssh.png') });
});
