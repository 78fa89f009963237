// SPDX-License-Identifier: GPL-3.0-or-later
// The looking glass in a real headless browser: Debian's chromium, driven by
// playwright-core. Environment: LG_URL (the page), LG_PROFILE (a fresh
// --user-data-dir), LG_SCREENSHOT (where the client page's PNG goes), LG_DUID
// (the hostile client's DUID in hex). Exit 0 when every check passed.
import { chromium } from 'playwright-core';

const base = process.env.LG_URL;
const problems = [];
let checks = 0;
function check(what, ok) {
  checks++;
  if (ok) {
    console.log('ok: ' + what);
  } else {
    console.log('FAIL: ' + what);
    problems.push(what);
  }
}

const context = await chromium.launchPersistentContext(process.env.LG_PROFILE, {
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
         '--disable-component-update'],
  viewport: { width: 1280, height: 900 },
});
const page = context.pages()[0] || await context.newPage();
page.setDefaultTimeout(8000);
// Anything that would show that a string from the wire ran as code, or that
// the page broke its own policy, fails the test.
page.on('dialog', async (d) => {
  problems.push('a dialog opened: ' + d.type() + ' ' + d.message());
  await d.dismiss();
});
page.on('console', (m) => {
  if (m.type() === 'error' || m.type() === 'warning') problems.push('console ' + m.type() + ': ' + m.text());
});
page.on('pageerror', (e) => problems.push('page error: ' + e.message));

async function visit(path) {
  const res = await page.goto(base + path, { waitUntil: 'load' });
  return res;
}

// What no page may contain if escaping works: elements or handlers that
// only the hostile strings could have made.
async function noInjection(where) {
  const bad = await page.evaluate(() => {
    const out = [];
    if (document.querySelectorAll('img, textarea, b, iframe, object, embed').length) out.push('injected element');
    const scripts = [...document.scripts].map((s) => s.getAttribute('src'));
    if (scripts.length !== 1 || scripts[0] !== '/static/lg.js') out.push('scripts: ' + JSON.stringify(scripts));
    for (const e of document.querySelectorAll('*'))
      for (const a of e.attributes)
        if (a.name.startsWith('on')) out.push('handler attribute ' + a.name);
    return out;
  });
  check(where + ': nothing injected (' + bad.join(', ') + ')', bad.length === 0);
}

// 1. Search by the Remote-ID the real relay added, as an operator types it.
let res = await visit('/?q=' + encodeURIComponent('remote-id-str:3561:CUST1'));
check('search answers 200', res.status() === 200);
check('CSP header', (res.headers()['content-security-policy'] || '').startsWith("default-src 'none'"));
const link = page.locator('a.id', { hasText: 'remote-id-str:3561:CUST1' }).first();
check('the search lists the client by its Remote-ID', await link.count() === 1);
check('the search shows its prefix', (await page.locator('td.leases').first().textContent()).includes('2001:db8:c57:100::/56'));
const searchText = await page.locator('main').innerText();
check('the search shows both servers\' databases together', searchText.includes('srv-a') && searchText.includes('srv-b'));
await noInjection('search');

// 2. Its client page: transactions with trees.
await link.click();
await page.waitForSelector('body.loaded', { timeout: 10000 });
const text = await page.locator('main').innerText();
check('client page title names the Remote-ID', (await page.locator('h1').innerText()).includes('remote-id-str:3561:CUST1'));
check('client page shows the prefix', text.includes('2001:db8:c57:100::/56'));
check('client page shows the REPLY', text.includes('REPLY'));
check('the reply tree shows OPTION_IA_PD', (await page.locator('.tree[data-part="reply"]').first().innerText()).includes('OPTION_IA_PD'));
check('the relay chain shows the Remote-ID option', (await page.locator('.tree[data-part="relays"]').first().innerText()).includes('OPTION_REMOTE_ID'));
check('server name shown', text.includes('srv-a'));
await noInjection('client page');
await page.screenshot({ path: process.env.LG_SCREENSHOT, fullPage: false });

// 3. The hostile client, found by its DUID, and by its Remote-ID.
res = await visit('/?q=' + process.env.LG_DUID);
check('search by a bare hex DUID answers 200', res.status() === 200);
const hostileSearch = await page.locator('main').innerText();
check('the hostile Remote-ID is shown as text', hostileSearch.includes('<img src=x onerror=alert(4)>'));
check('the hostile Interface-ID is shown as text', hostileSearch.includes('"onerror=alert(5)</textarea>'));
await noInjection('hostile search');
await visit('/clients/duid:' + process.env.LG_DUID);
await page.waitForSelector('body.loaded', { timeout: 10000 });
const hostile = await page.locator('main').innerText();
// The decoder writes domain names in DNS presentation form: " as \034, octets as \DDD.
check('hostile page: the FQDN labels are text', hostile.includes('<b>\\034onerror=x</textarea>.\\255\\254.'));
check('hostile page: the Remote-ID is text', hostile.includes('<img src=x onerror=alert(4)>'));
check('hostile page: the DUID is shown', hostile.includes(process.env.LG_DUID));
await noInjection('hostile client page');
// The search form echoes what was typed: as an attribute value.
await visit('/?q=' + encodeURIComponent('"><script>alert(7)</script>'));
check('a hostile query stays in the input', (await page.locator('input[name=q]').inputValue()) === '"><script>alert(7)</script>');
await noInjection('hostile query');
await visit('/clients/' + encodeURIComponent('remote-id:3561:' + Buffer.from('<img src=x onerror=alert(4)>').toString('hex')));
await page.waitForSelector('body.loaded', { timeout: 10000 });
await noInjection('hostile Remote-ID page');

// 4. The problem lists render.
for (const p of ['no-reply', 'slow', 'multi-duid', 'multi-remote-id']) {
  res = await visit('/problems/' + p + '?slow-ms=0');
  check('problems/' + p + ' answers 200', res.status() === 200);
  await noInjection('problems/' + p);
}
check('slow-ms=0 lists every transaction, the hostile one too',
      (await visit('/problems/slow?slow-ms=0')) && (await page.locator('main').innerText()).includes('<img src=x onerror=alert(4)>'));

await context.close();
for (const p of problems) console.log('FAIL: ' + p);
console.log(`${checks} checks, ${problems.length} problems`);
process.exit(problems.length ? 1 : 0);
