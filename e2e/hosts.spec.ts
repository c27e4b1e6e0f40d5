import os from 'node:os';
import { expect, test } from '@playwright/test';
import { formatBytes } from '../apps/web/src/app/format.ts';
import { screenshot, url } from './session.ts';

test('a wrong password is refused with a message', async ({ page }) => {
  await page.goto(`${url()}/login`);
  await page.getByLabel('Username').fill('admin');
  await page.getByLabel('Password').fill('berthtest-wrong-password');
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByRole('form', { name: 'Log in' }).getByRole('alert')).toHaveText(
    'Wrong username or password.',
  );
  await expect(page).toHaveURL(/\/login$/);
  await screenshot(page, 'login-error');
});

test('the first admin logs in and sees the local host with its kernel, CPUs and memory', async ({ page }) => {
  await page.goto(url());
  await expect(page).toHaveURL(/\/login$/); // no session: the server sends the browser to the login page

  await page.getByLabel('Username').fill(process.env.BERTH_E2E_USERNAME!);
  await page.getByLabel('Password').fill(process.env.BERTH_E2E_PASSWORD!);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page).toHaveURL(`${url()}/`);
  await expect(page.getByRole('heading', { name: 'Dashboard' })).toBeVisible();
  await expect(page.getByTestId('current-user')).toContainText('admin');
  await expect(page.getByTestId('dashboard-host').filter({ hasText: os.hostname() })).toContainText(
    'Online',
    {
      timeout: 30_000,
    },
  );
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Hosts' }).click();
  await expect(page).toHaveURL(`${url()}/hosts`);
  await expect(page.getByRole('heading', { name: 'Hosts', exact: true })).toBeVisible();

  // The agent that npm start runs on this machine, as the agent reports it (os.* on the same host).
  const row = page.getByTestId('host-row').filter({ hasText: os.hostname() });
  await expect(row).toHaveCount(1, { timeout: 30_000 });
  await expect(row.getByTestId('host-status')).toHaveText('Online');
  await expect(row.getByTestId('host-kernel')).toHaveText(os.release());
  await expect(row.getByTestId('host-cpus')).toHaveText(String(os.availableParallelism()));
  await expect(row.getByTestId('host-memory')).toHaveText(formatBytes(os.totalmem()));

  await screenshot(page, 'hosts');

  // An admin can add a host: a one-time join token and the command that uses it.
  await page.getByRole('button', { name: 'Add host' }).click();
  await expect(page.getByTestId('join-command')).toContainText(`--control-plane ${url()} --join-token bjt_`);
  await screenshot(page, 'add-host');

  await page.getByRole('button', { name: 'Log out' }).click();
  await expect(page).toHaveURL(/\/login$/);
  await page.goto(url());
  await expect(page).toHaveURL(/\/login$/);
});

test('the admin changes the initial password from the account page and logs in with the new one', async ({
  page,
}) => {
  const newPassword = 'berthtest-changed-password';
  await page.goto(`${url()}/login`);
  await page.getByLabel('Username').fill(process.env.BERTH_E2E_USERNAME!);
  await page.getByLabel('Password').fill(process.env.BERTH_E2E_PASSWORD!);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page).toHaveURL(`${url()}/`);

  await page.getByTestId('current-user').click();
  await expect(page).toHaveURL(`${url()}/account`);
  // the page finishes loading (and hydrating) before typing: a form re-rendered under the
  // fingers would drop what was filled, which a user typing at human speed never meets
  await page.waitForLoadState('networkidle');
  const current = page.getByLabel('Current password', { exact: true });
  await current.fill(process.env.BERTH_E2E_PASSWORD!);
  await page.getByLabel('New password', { exact: true }).fill(newPassword);
  await page.getByLabel('Repeat the new password').fill(newPassword);
  await expect(current).toHaveValue(process.env.BERTH_E2E_PASSWORD!);
  await page.getByRole('button', { name: 'Change password' }).click();
  await expect(page.getByRole('status')).toHaveText('Password changed.');
  await screenshot(page, 'account');

  await page.getByRole('button', { name: 'Log out' }).click();
  await expect(page).toHaveURL(/\/login$/);
  await page.getByLabel('Username').fill(process.env.BERTH_E2E_USERNAME!);
  await page.getByLabel('Password').fill(newPassword);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByRole('heading', { name: 'Dashboard' })).toBeVisible();
});
