import type { Page } from './browser.ts';

/** Signs in through the console's login form and waits for the live inbox. */
export async function signIn(page: Page, baseUrl: string, email: string, password: string): Promise<void> {
  await page.goto(`${baseUrl}/login`);
  await page.waitFor(`document.querySelector('#login-email')`, 'the login form');
  await page.fill('#login-email', email);
  await page.fill('#login-password', password);
  await page.click('form button[type=submit]');
  await page.waitFor(`location.pathname === '/' && document.querySelector('.live.online')`, 'the live inbox');
}
