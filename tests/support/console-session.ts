import { launchPage, type Page } from './browser.ts';

/** Signs in through the console's login form and waits for the live inbox. */
export async function signIn(page: Page, baseUrl: string, email: string, password: string): Promise<void> {
  await page.goto(`${baseUrl}/login`);
  await page.waitFor(`document.querySelector('#login-email')`, 'the login form');
  await page.fill('#login-email', email);
  await page.fill('#login-password', password);
  await page.click('form button[type=submit]');
  await page.waitFor(`location.pathname === '/' && document.querySelector('.live.online') && !document.body.innerText.includes('Loading')`, 'the live inbox');
}

/** A fresh Chromium page as the console tests use it: an English browser, at `size` if given (CSS pixels). */
export async function launchConsolePage(size?: { width: number; height: number }): Promise<Page> {
  const page = await launchPage();
  if (size) await page.send('Emulation.setDeviceMetricsOverride', { ...size, deviceScaleFactor: 1, mobile: false });
  await page.send('Network.setUserAgentOverride', { userAgent: 'Mozilla/5.0 (switchboard-test)', acceptLanguage: 'en-US,en' });
  return page;
}
