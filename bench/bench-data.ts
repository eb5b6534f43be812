/**
 * Benchmark inputs, generated once and cached under bench/out: canonical activity CSV with its
 * customers and users, and Graph "Office 365 active user detail" reports, with exact row counts.
 */
import { createWriteStream, existsSync, mkdirSync, renameSync } from 'node:fs';
import path from 'node:path';
import { GRAPH_ACTIVE_USER_COLUMNS } from '@license-insights/contracts';
import { formatDay } from '@license-insights/core';

export const OUT = path.join(import.meta.dirname, 'out');
const WORKLOADS = ['EXO', 'SPO', 'TEAMS', 'YAM', 'OFFICE'];
const DAY0 = 20_250; // 2025-06-12
const FACTS_PER_USER = 250;
const USERS_PER_CUSTOMER = 400;

async function writeLines(
  file: string,
  header: string,
  produce: (push: (line: string) => Promise<void>) => Promise<void>,
  eol = '\n',
) {
  const tmp = `${file}.tmp`;
  const stream = createWriteStream(tmp);
  let buf = `${header}${eol}`;
  const push = async (line: string) => {
    buf += line;
    if (buf.length > 1 << 20) {
      const chunk = buf;
      buf = '';
      if (!stream.write(chunk)) await new Promise<void>((r) => stream.once('drain', () => r()));
    }
  };
  await produce(push);
  await new Promise<void>((resolve, reject) =>
    stream.end(buf, (e?: Error | null) => (e ? reject(e) : resolve())),
  );
  renameSync(tmp, file);
}

/** Activity for `rows` facts: users with 250 distinct (workload, day) facts each, 400 users a customer. */
export async function canonicalActivity(rows: number): Promise<{ dir: string; activity: string }> {
  const dir = path.join(OUT, `canonical-${rows}`);
  const activity = path.join(dir, 'activity.csv');
  if (existsSync(activity)) return { dir, activity };
  mkdirSync(dir, { recursive: true });
  const users = Math.ceil(rows / FACTS_PER_USER);
  const customers = Math.ceil(users / USERS_PER_CUSTOMER);
  const cid = (c: number) => `c${String(c).padStart(6, '0')}`;
  const uid = (u: number) => `user${u}@tenant${Math.floor(u / USERS_PER_CUSTOMER)}.example.com`;
  await writeLines(path.join(dir, 'customers.csv'), 'customer_id,name', async (push) => {
    for (let c = 0; c < customers; c++) await push(`${cid(c)},Customer ${c}\n`);
  });
  await writeLines(path.join(dir, 'users.csv'), 'customer_id,user_id', async (push) => {
    for (let u = 0; u < users; u++) await push(`${cid(Math.floor(u / USERS_PER_CUSTOMER))},${uid(u)}\n`);
  });
  const days = Array.from({ length: 400 }, (_, i) => formatDay(DAY0 + i));
  await writeLines(activity, 'customer_id,user_id,workload,date', async (push) => {
    let written = 0;
    for (let u = 0; u < users && written < rows; u++) {
      const c = cid(Math.floor(u / USERS_PER_CUSTOMER));
      const id = uid(u);
      let line = '';
      // 250 distinct facts: 5 workloads × 50 days spread over the year, shifted per user.
      for (let k = 0; k < FACTS_PER_USER && written < rows; k++, written++) {
        line += `${c},${id},${WORKLOADS[k % 5]},${days[(Math.floor(k / 5) * 7 + (u % 7)) % 400]}\n`;
      }
      await push(line);
    }
  });
  return { dir, activity };
}

/** A Graph active user detail report with `rows` users (one customer), as Microsoft exports it. */
export async function graphReport(rows: number): Promise<string> {
  const file = path.join(OUT, `graph-${rows}.csv`);
  if (existsSync(file)) return file;
  mkdirSync(OUT, { recursive: true });
  const header = `\uFEFF${GRAPH_ACTIVE_USER_COLUMNS.map((c) => c.header).join(',')}`;
  const day = (n: number) => formatDay(DAY0 + 300 + n);
  await writeLines(
    file,
    header,
    async (push) => {
      for (let u = 0; u < rows; u++) {
        const e5 = u % 10 === 0;
        const last = (k: number) => ((u + k) % 9 === 0 ? '' : day(99 - ((u * 7 + k) % 40)));
        const products = e5 ? 'MICROSOFT 365 E5+POWER BI PRO' : 'OFFICE 365 E3';
        await push(
          [
            day(100),
            `user${u}@contoso.com`,
            `User ${u}`,
            'False',
            '',
            'True',
            'True',
            'True',
            'False',
            'True',
            'True',
            last(1),
            last(2),
            last(3),
            '',
            u % 5 === 0 ? last(4) : '',
            last(5),
            day(-200),
            day(-200),
            day(-200),
            '',
            day(-200),
            day(-180),
            products,
          ].join(',') + '\r\n',
        );
      }
    },
    '\r\n',
  );
  return file;
}
