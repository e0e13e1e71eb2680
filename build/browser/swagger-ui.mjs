// Swagger UI in a real browser (Debian's Chromium driven by playwright-core): every module's tag is listed, the API
// key authorises, and "Try it out" -> Execute on a GET answers 200 in the page. Leaves screenshots for a person.
//
//   API_URL=http://127.0.0.1:PORT API_KEY=... OUT_DIR=build/out node build/browser/swagger-ui.mjs
//
// Environment: CHROMIUM (default /usr/bin/chromium), TRY_PATH (default /api/v1/programs, a GET answering 200 to the
// bootstrap admin on an empty database).
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const apiUrl = required('API_URL');
const apiKey = required('API_KEY');
const outDir = process.env.OUT_DIR ?? 'build/out';
const tryPath = process.env.TRY_PATH ?? '/api/v1/programs';
const timeout = 30_000;

function required(name) {
  const value = process.env[name];
  if (!value) {
    console.error(`swagger-ui.mjs: ${name} is required`);
    process.exit(2);
  }
  return value;
}

function step(text) {
  console.log(`    - ${text}`);
}

// The tags and the operation to try come from the document the UI shows, so new modules are checked without edits.
const doc = await (await fetch(`${apiUrl}/swagger/v1/swagger.json`)).json();
const tags = [...new Set(Object.values(doc.paths).flatMap((item) => Object.values(item).flatMap((op) => op.tags ?? [])))].sort();
const tryOp = doc.paths[tryPath]?.get;
if (!tryOp?.operationId || !tryOp.tags?.length) {
  throw new Error(`GET ${tryPath} with an operationId and a tag is not in the document`);
}

mkdirSync(outDir, { recursive: true });
const profile = mkdtempSync(join(tmpdir(), 'iop-chromium-'));
// A new empty profile (Playwright passes it as --user-data-dir).
const browser = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  viewport: { width: 1400, height: 1000 },
  // Never a browser download: Debian's Chromium, with nothing that reaches out on its own.
  args: [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync',
  ],
});
let failed = false;
try {
  const page = browser.pages()[0] ?? (await browser.newPage());
  page.setDefaultTimeout(timeout);
  const consoleErrors = [];
  page.on('pageerror', (e) => consoleErrors.push(String(e)));

  await page.goto(`${apiUrl}/swagger`, { waitUntil: 'networkidle' });
  await page.locator('.information-container .title').waitFor();
  step(`opened ${apiUrl}/swagger: "${(await page.locator('.information-container .title').innerText()).split('\n')[0]}"`);

  for (const tag of tags) {
    await page.locator(`.opblock-tag[data-tag="${tag}"]`).waitFor();
  }
  step(`all ${tags.length} module tags listed: ${tags.join(', ')}`);
  await page.screenshot({ path: join(outDir, 'swagger-ui-top.png') });

  await page.locator('.auth-wrapper button.authorize').click();
  const modal = page.locator('.modal-ux');
  await modal.waitFor();
  const apiKeyForm = modal.locator('.auth-container').filter({ has: page.locator('h4', { hasText: 'ApiKey' }) });
  await apiKeyForm.locator('input').fill(apiKey);
  await apiKeyForm.locator('button', { hasText: 'Authorize' }).click();
  await modal.locator('button', { hasText: 'Logout' }).first().waitFor();
  step('authorised with the API key (scheme ApiKey, header X-Api-Key)');
  await modal.locator('button.close-modal').click();
  await modal.waitFor({ state: 'detached' });

  const operation = page.locator(`#operations-${tryOp.tags[0]}-${tryOp.operationId}`);
  await operation.scrollIntoViewIfNeeded();
  if (!(await operation.locator('.opblock-body').isVisible())) {
    await operation.locator('.opblock-summary').first().click();
  }
  await operation.locator('button.try-out__btn').click();
  await operation.locator('button.execute').click();
  const status = operation.locator('.live-responses-table tbody .response-col_status').first();
  await status.waitFor();
  const statusText = (await status.innerText()).trim();
  const body = await operation.locator('.live-responses-table .response-col_description pre').first().innerText();
  await operation.locator('.live-responses-table').scrollIntoViewIfNeeded();
  await page.evaluate(() => window.scrollBy(0, -350));
  await page.screenshot({ path: join(outDir, 'swagger-ui.png') });
  if (statusText !== '200') {
    throw new Error(`Try it out on GET ${tryPath} showed status ${statusText}: ${body.slice(0, 500)}`);
  }
  step(`Try it out -> Execute on GET ${tryPath} (${tryOp.operationId}) showed 200 and ${JSON.stringify(JSON.parse(body)).slice(0, 80)}`);
  if (consoleErrors.length > 0) {
    throw new Error(`the page threw: ${consoleErrors.join(' | ')}`);
  }
  step(`screenshots: ${join(outDir, 'swagger-ui.png')}, ${join(outDir, 'swagger-ui-top.png')}`);
} catch (error) {
  failed = true;
  console.error(`swagger-ui.mjs: FAILED: ${error.message}`);
  try {
    const pages = browser.pages();
    if (pages.length > 0) {
      await pages[0].screenshot({ path: join(outDir, 'swagger-ui-failure.png'), fullPage: false });
      console.error(`    screenshot of the failure: ${join(outDir, 'swagger-ui-failure.png')}`);
    }
  } catch {
    // the failure itself is what matters
  }
} finally {
  await browser.close();
  rmSync(profile, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
