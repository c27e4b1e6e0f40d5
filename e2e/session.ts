/** Shared steps of the browser tests: logging in as the first admin and saving screenshots. */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, type Page } from '@playwright/test';

export const url = () => process.env.BERTH_E2E_URL!;

const screenshots = join(import.meta.dirname, 'screenshots');

export async function logInAsAdmin(page: Page): Promise<void> {
  await page.goto(`${url()}/login`);
  await page.getByLabel('Username').fill(process.env.BERTH_E2E_USERNAME!);
  await page.getByLabel('Password').fill(process.env.BERTH_E2E_PASSWORD!);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByRole('heading', { name: 'Dashboard' })).toBeVisible();
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(screenshots, { recursive: true });
  await page.screenshot({ path: join(screenshots, `${name}.png`), fullPage: true });
}
