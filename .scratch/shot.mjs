import { chromium } from 'playwright-core';
const [,, url, out, width='1366', after=''] = process.argv;
const b = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox','--disable-gpu'] });
const p = await b.newPage({ viewport: { width: Number(width), height: 900 } });
await p.goto('http://127.0.0.1:5573/sign-in');
await p.getByLabel('Email').fill('admin@acme.test');
await p.getByLabel('Password').fill('password123');
await p.getByRole('button', { name: 'Sign in' }).click();
await p.waitForURL(/sequences/);
await p.goto(url); await p.waitForTimeout(2500);
if (after) { await eval(after); await p.waitForTimeout(1500); }
const sw = await p.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
console.log('scrollWidth/innerWidth', sw);
await p.screenshot({ path: out, fullPage: false });
await b.close();
