/**
 * The console around the pages: navigation to every section, light and dark, dialogs that close
 * with Escape, forms that validate as you type, a confirm before deleting, and the audit log
 * recording what was done. (Runs before hosts.spec.ts, which changes the admin's password.)
 */
import { expect, test } from '@playwright/test';
import { logInAsAdmin, screenshot, url } from './session.ts';

const SECTIONS = [
  ['Dashboard', '/'],
  ['Containers', '/containers'],
  ['Images', '/images'],
  ['Networks', '/networks'],
  ['Volumes', '/volumes'],
  ['Hosts', '/hosts'],
  ['Users & teams', '/users'],
  ['API tokens', '/tokens'],
  ['Audit log', '/audit'],
] as const;

test('every section is one click away, in light and in dark', async ({ page }) => {
  await logInAsAdmin(page);
  const nav = page.getByRole('navigation', { name: 'Sections' });
  for (const [label, path] of SECTIONS) {
    await nav.getByRole('link', { name: label, exact: true }).click();
    await expect(page).toHaveURL(`${url()}${path}`);
    await expect(nav.getByRole('link', { name: label, exact: true })).toHaveAttribute('aria-current', 'page');
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  }

  await page.emulateMedia({ colorScheme: 'dark' });
  await nav.getByRole('link', { name: 'Dashboard' }).click();
  const background = () => page.evaluate<string>('getComputedStyle(document.body).backgroundColor');
  const dark = await background();
  await expect(page.getByTestId('dashboard-host').first()).toBeVisible();
  await screenshot(page, 'dashboard-dark');
  // the toggle overrides the system preference, and the choice survives a reload
  await page.getByRole('button', { name: 'Switch to light theme' }).click();
  await expect.poll(background).not.toBe(dark);
  await page.reload();
  await expect(page.getByRole('button', { name: 'Switch to dark theme' })).toBeVisible();
  await expect.poll(background).not.toBe(dark);
  await expect(page.getByTestId('dashboard-host').first()).toBeVisible();
  // the agents' own reports: CPU share and memory in use, per host and for the fleet
  await expect(page.getByTestId('host-use').first()).toContainText(/CPU \d+%/);
  await expect(page.getByTestId('fleet-cpu')).toHaveText(/^\d+%$/);
  await screenshot(page, 'dashboard');
});

test('an admin adds a user through a validating form, deletes it after a confirm, and both are audited', async ({
  page,
}) => {
  await logInAsAdmin(page);
  await page.goto(`${url()}/users`);
  await page.waitForLoadState('networkidle');

  // Escape closes a dialog
  await page.getByRole('button', { name: 'New user' }).click();
  const dialog = page.getByRole('dialog', { name: 'New user' });
  await expect(dialog).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();

  await page.getByRole('button', { name: 'New user' }).click();
  await dialog.getByLabel('Username').fill('berthtest-ui-user');
  await dialog.getByLabel('Initial password').fill('short');
  // the server's own schema, checked while typing
  await expect(dialog.getByRole('alert')).toHaveText('at least 12 characters');
  await expect(dialog.getByLabel('Initial password')).toHaveAttribute('aria-invalid', 'true');
  await dialog.getByLabel('Initial password').fill('berthtest-long-password');
  await expect(dialog.getByRole('alert')).toHaveCount(0);
  await dialog.getByLabel('Role').selectOption('operator');
  await screenshot(page, 'new-user');
  await dialog.getByRole('button', { name: 'Create user' }).click();
  await expect(dialog).toBeHidden();
  const row = page.getByTestId('user-row').filter({ hasText: 'berthtest-ui-user' });
  await expect(row).toHaveCount(1);
  await expect(row.getByLabel('Role of berthtest-ui-user')).toHaveValue('operator');
  await screenshot(page, 'users');

  // deleting asks first; Cancel keeps the user
  await row.getByRole('button', { name: 'Delete' }).click();
  const confirm = page.getByRole('dialog', { name: 'Delete berthtest-ui-user?' });
  await confirm.getByRole('button', { name: 'Cancel' }).click();
  await expect(row).toHaveCount(1);
  await row.getByRole('button', { name: 'Delete' }).click();
  await confirm.getByRole('button', { name: 'Delete user' }).click();
  await expect(row).toHaveCount(0);

  await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Audit log' }).click();
  await page.getByLabel('Action').fill('user.');
  const entries = page.getByTestId('audit-row');
  await expect(
    entries.filter({ hasText: 'user.create' }).filter({ hasText: 'berthtest-ui-user' }),
  ).toHaveCount(1);
  await expect(entries.filter({ hasText: 'user.delete' })).toHaveCount(1);
  await screenshot(page, 'audit');
});

test('an API token is shown once and revoked after a confirm', async ({ page }) => {
  await logInAsAdmin(page);
  await page.goto(`${url()}/tokens`);
  await page.waitForLoadState('networkidle');
  await page.getByLabel('Name').fill('berthtest token');
  await page.getByLabel('Scope').selectOption('write');
  await page.getByRole('button', { name: 'Create token' }).click();
  await expect(page.getByTestId('new-token')).toContainText(/\S{20,}/);
  const row = page.getByTestId('token-row').filter({ hasText: 'berthtest token' });
  await expect(row).toContainText('write');
  await screenshot(page, 'tokens');
  await row.getByRole('button', { name: 'Revoke' }).click();
  await page
    .getByRole('dialog', { name: 'Revoke berthtest token?' })
    .getByRole('button', { name: 'Revoke token' })
    .click();
  await expect(row).toHaveCount(0);
});

test('a network is created on a host with its subnet, listed with the default bridge, and removed after a confirm', async ({
  page,
}) => {
  await logInAsAdmin(page);
  await page.goto(`${url()}/networks`);
  await page.waitForLoadState('networkidle');
  await expect(page.getByTestId('network-row').filter({ hasText: 'bridge' }).first()).toBeVisible();
  await page.getByLabel('New network').fill('bad name!');
  await expect(page.locator('#network-name-error')).toContainText(
    'only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed',
  );
  await page.getByLabel('New network').fill('berthtest-e2e-net');
  await page.getByLabel('Subnet').fill('10.237.9.0/24');
  await page.getByRole('button', { name: 'Create network' }).click();
  const row = page.getByTestId('network-row').filter({ hasText: 'berthtest-e2e-net' });
  await expect(row).toContainText('10.237.9.0/24', { timeout: 15_000 });
  await screenshot(page, 'networks');
  await row.getByRole('button', { name: 'Inspect' }).click();
  await expect(page.getByRole('dialog', { name: 'Network' })).toContainText('"subnet": "10.237.9.0/24"');
  await page.keyboard.press('Escape');
  await row.getByRole('button', { name: 'Remove' }).click();
  await page
    .getByRole('dialog', { name: 'Remove network berthtest-e2e-net?' })
    .getByRole('button', { name: 'Remove network' })
    .click();
  await expect(row).toHaveCount(0, { timeout: 15_000 });
});
