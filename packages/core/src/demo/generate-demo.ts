/**
 * The demo portfolio: a realistic canonical dataset of a CSP partner, deterministic per seed.
 *
 * Model, per customer: a size from 1 to 5 000 seats (long tail), a segment and its SKU mix
 * (Business plans for SMB, E3/E5 and frontline F3 for larger ones, Dynamics 365 apps, add-ons), a
 * profile (healthy, low adoption, declining, growing, new, how-to heavy) and life events (trials,
 * grace period, suspension for non-payment, upgrade, purchases through another partner or direct).
 * Licenses are held in "seats": a seat is held by a sequence of people (staff turnover reassigns
 * the license to a new hire); people adopt each workload or not, ramp up after purchase, use it on
 * weekdays much more than at weekends, and in declining customers some stop altogether. Support
 * requests follow the user count, how-to heavy where adoption is new or weak.
 *
 * Output is streamed to files (never the whole dataset in memory).
 */
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import path from 'node:path';
import { type CanonicalEntity, ENTITY_SPECS, type WorkloadCode } from '@license-insights/contracts';
import { shippedCatalog } from '../catalog/catalog';
import { dayOf, formatDay, weekdayOf } from '../dates';
import { rawCsvCell } from '../export/csv-writer';
import { COMPANY_NAMES, COMPANY_SUFFIXES, FIRST_NAMES, LAST_NAMES, REGIONS } from './names';
import { Random } from './random';

export interface DemoOptions {
  readonly customers: number;
  readonly seed: string;
  /** Days of history up to and including `end`. */
  readonly days: number;
  /** Last day of data (YYYY-MM-DD). */
  readonly end: string;
  /** Multiplies daily activity probabilities (benchmarks use it to shape data volume); default 1. */
  readonly activityFactor?: number;
  /** Multiplies customer sizes (benchmarks use it to reach a user count); default 1. */
  readonly seatFactor?: number;
}

export interface DemoSummary {
  readonly customers: number;
  readonly users: number;
  readonly subscriptions: number;
  readonly subscriptionSnapshots: number;
  readonly licenseAssignments: number;
  readonly activity: number;
  readonly supportRequests: number;
  readonly files: readonly string[];
}

type Profile = 'healthy' | 'low_adoption' | 'declining' | 'growing' | 'new' | 'howto_heavy';

/** Demo list prices (USD per license per month) written as the partner's catalog overrides. */
const DEMO_PRICES: Readonly<Record<string, number>> = {
  O365_BUSINESS_ESSENTIALS: 6,
  O365_BUSINESS_PREMIUM: 12.5,
  SPB: 22,
  STANDARDPACK: 10,
  ENTERPRISEPACK: 23,
  SPE_E3: 36,
  SPE_E5: 57,
  SPE_F1: 8,
  EXCHANGEDESKLESS: 2,
  POWER_BI_PRO: 14,
  VISIOCLIENT: 15,
  Microsoft_365_Copilot: 30,
  MCOEV: 10,
  DYN365_ENTERPRISE_SALES: 105,
  DYN365_ENTERPRISE_CUSTOMER_SERVICE: 105,
  D365_SALES_PRO: 65,
  DYN365_BUSCENTRAL_ESSENTIAL: 80,
};

/** Chance that a person who holds a workload uses it at all, by profile. */
const ADOPTION: Readonly<Record<'normal' | 'weak', Readonly<Record<WorkloadCode, number>>>> = {
  normal: { EXO: 0.97, SPO: 0.72, TEAMS: 0.88, YAM: 0.14, SFB: 0.01, OFFICE: 0.82, D365: 0.9 },
  weak: { EXO: 0.8, SPO: 0.3, TEAMS: 0.35, YAM: 0.03, SFB: 0.0, OFFICE: 0.5, D365: 0.55 },
};

/** Chance of activity on a working day for a person who uses the workload. */
const FREQUENCY: Readonly<Record<WorkloadCode, number>> = {
  EXO: 0.88,
  SPO: 0.42,
  TEAMS: 0.74,
  YAM: 0.12,
  SFB: 0.05,
  OFFICE: 0.58,
  D365: 0.7,
};

interface ProductRef {
  readonly id: string;
  readonly part: string;
  readonly workloads: readonly WorkloadCode[];
}

interface Snapshot {
  readonly asOf: number;
  readonly quantity: number;
  readonly status: string;
  readonly reason: string;
}

interface Subscription {
  readonly id: string;
  readonly product: ProductRef;
  readonly channel: 'own' | 'other_partner' | 'direct';
  readonly trial: boolean;
  readonly billing: 'monthly' | 'annual';
  readonly start: number;
  readonly snapshots: Snapshot[];
}

/** A license held over [from, to) (to = null: still held). */
interface Hold {
  readonly product: ProductRef;
  readonly from: number;
  readonly to: number | null;
}

/** A job position: a sequence of people holding the same licenses, one after another. */
interface Seat {
  readonly primary: ProductRef;
  readonly start: number;
  /** Extra licenses on this seat over time (add-ons, trials); the holder at that time gets them. */
  readonly extras: { product: ProductRef; from: number; to: number | null }[];
  /** Product switch (upgrade): from `day` the primary product is `to`. */
  switchTo?: { readonly day: number; readonly product: ProductRef };
}

class CsvFile {
  private buffer = '';
  rows = 0;
  private readonly stream: WriteStream;
  constructor(
    readonly file: string,
    columns: readonly string[],
  ) {
    this.stream = createWriteStream(file);
    this.buffer = `${columns.join(',')}\n`;
  }
  async write(cells: readonly (string | null)[]): Promise<void> {
    this.buffer += `${cells.map(rawCsvCell).join(',')}\n`;
    this.rows++;
    if (this.buffer.length > 1 << 20) await this.flush();
  }
  /** Appends ready-made CSV lines (values known to need no quoting). */
  async writeRaw(lines: string, count: number): Promise<void> {
    this.buffer += lines;
    this.rows += count;
    if (this.buffer.length > 1 << 20) await this.flush();
  }
  private async flush(): Promise<void> {
    const chunk = this.buffer;
    this.buffer = '';
    if (!this.stream.write(chunk))
      await new Promise<void>((resolve) => this.stream.once('drain', () => resolve()));
  }
  async close(): Promise<void> {
    await this.flush();
    await new Promise<void>((resolve, reject) =>
      this.stream.end((e?: Error | null) => (e ? reject(e) : resolve())),
    );
  }
}

function productByPart(part: string): ProductRef {
  const p = shippedCatalog().products.find((x) => x.partNumber === part);
  if (p === undefined) throw new Error(`demo product ${part} missing from the catalog`);
  return { id: p.productId, part, workloads: p.workloads };
}

const P = {
  basic: productByPart('O365_BUSINESS_ESSENTIALS'),
  standard: productByPart('O365_BUSINESS_PREMIUM'),
  premium: productByPart('SPB'),
  e1: productByPart('STANDARDPACK'),
  e3: productByPart('ENTERPRISEPACK'),
  m365e3: productByPart('SPE_E3'),
  m365e5: productByPart('SPE_E5'),
  f3: productByPart('SPE_F1'),
  kiosk: productByPart('EXCHANGEDESKLESS'),
  powerBi: productByPart('POWER_BI_PRO'),
  visio: productByPart('VISIOCLIENT'),
  copilot: productByPart('Microsoft_365_Copilot'),
  teamsPhone: productByPart('MCOEV'),
  d365Sales: productByPart('DYN365_ENTERPRISE_SALES'),
  d365Service: productByPart('DYN365_ENTERPRISE_CUSTOMER_SERVICE'),
  d365SalesPro: productByPart('D365_SALES_PRO'),
  businessCentral: productByPart('DYN365_BUSCENTRAL_ESSENTIAL'),
};

function slug(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/ł/g, 'l')
    .replace(/Ł/g, 'L')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '');
}

function poisson(rng: Random, lambda: number): number {
  if (lambda <= 0) return 0;
  if (lambda > 30) return Math.max(0, Math.round(rng.normal(lambda, Math.sqrt(lambda))));
  const limit = Math.exp(-lambda);
  let k = 0;
  let p = rng.next();
  while (p > limit) {
    k++;
    p *= rng.next();
  }
  return k;
}

type LifeEvent = 'trial' | 'cancel' | 'nonpayment' | 'upgrade' | 'other_partner' | 'direct';

/**
 * A few customers are scripted so that every profile and life event is in every demo of 12 or more
 * customers (the rest is random): the product must always have something to explain and suggest.
 */
const SCRIPT: Readonly<
  Record<number, { readonly profile?: Profile; readonly events?: readonly LifeEvent[] }>
> = {
  2: { profile: 'healthy', events: ['cancel', 'other_partner'] },
  3: { profile: 'growing', events: ['nonpayment', 'trial'] },
  4: { profile: 'healthy', events: ['upgrade', 'direct'] },
  5: { profile: 'new', events: ['trial'] },
  6: { profile: 'declining' },
  7: { profile: 'low_adoption' },
  8: { profile: 'howto_heavy' },
  9: { profile: 'growing' },
};

/** Seats from 1 to 5 000 with a long tail (log-normal around 25). */
function drawSeats(rng: Random, index: number): number {
  if (index === 0) return rng.int(3800, 5000);
  if (index === 1) return rng.int(1, 3);
  return Math.max(1, Math.min(5000, Math.round(Math.exp(rng.normal(Math.log(28), 1.35)))));
}

type Segment = 'SMB' | 'Mid-market' | 'Enterprise';

/** The files of a demo dataset, one per canonical entity. */
type DemoFiles = Record<CanonicalEntity, CsvFile>;

/** What one `writeDemoDataset` call shares across its customers: the window, the files, the counters. */
class DemoRun {
  readonly end: number;
  /** First day of the window (`days` days up to and including `end`). */
  readonly start: number;
  readonly factor: number;
  /** How many customers took each company name so far (the next one gets a region and a number). */
  readonly usedNames = new Map<string, number>();
  users = 0;
  subscriptions = 0;
  readonly files: DemoFiles;
  private readonly dayTexts = new Map<number, string>();

  constructor(
    readonly options: DemoOptions,
    outDir: string,
  ) {
    this.end = dayOf(options.end);
    this.start = this.end - options.days + 1;
    this.factor = options.activityFactor ?? 1;
    this.files = openDemoFiles(outDir);
  }

  /** `formatDay`, cached: activity writes the same few hundred days millions of times. */
  dayText(d: number): string {
    let t = this.dayTexts.get(d);
    if (t === undefined) {
      t = formatDay(d);
      this.dayTexts.set(d, t);
    }
    return t;
  }
}

/** A customer as drawn: who it is and what drives its licenses; its random stream is `rng`. */
interface Customer {
  readonly rng: Random;
  readonly id: string;
  readonly name: string;
  readonly domain: string;
  readonly country: string;
  readonly seats: number;
  readonly segment: Segment;
  readonly profile: Profile;
  readonly groups: readonly string[];
  /** Life events the script forces on this customer (others are drawn). */
  readonly forced: ReadonlySet<LifeEvent>;
}

/** A product the customer buys on top of its plans, for a share of its office seats. */
interface AddOn {
  readonly product: ProductRef;
  readonly share: number;
  channel: Subscription['channel'];
}

/** The SKU mix of a customer: office and frontline seats, their plans, and the add-ons. */
interface SkuMix {
  readonly frontline: number;
  readonly office: number;
  readonly primary: ProductRef;
  readonly frontlineProduct: ProductRef;
  readonly addOns: AddOn[];
}

/** A customer's subscriptions and seats while they are planned; draws from the customer's stream. */
class Licenses {
  readonly subs: Subscription[] = [];
  readonly seats: Seat[] = [];

  constructor(
    private readonly c: Customer,
    private readonly start: number,
  ) {}

  /** A new subscription with one `active` snapshot at `from` (monthly for some SMB customers). */
  newSub(product: ProductRef, qty: number, from: number, extra: Partial<Subscription> = {}): Subscription {
    const rng = this.c.rng;
    const s: Subscription = {
      id: rng.guid(),
      product,
      channel: 'own',
      trial: false,
      billing: this.c.segment === 'SMB' && rng.chance(0.4) ? 'monthly' : 'annual',
      start: from,
      snapshots: [{ asOf: from, quantity: qty, status: 'active', reason: '' }],
      ...extra,
    };
    this.subs.push(s);
    return s;
  }

  /** `count` seats of `product` from `from`; new customers and buys in the window fill them over weeks. */
  addSeats(product: ProductRef, count: number, from: number): void {
    for (let i = 0; i < count; i++) {
      // New customers deploy over their first weeks; others had their seats long ago.
      const ramp = this.c.profile === 'new' || from > this.start ? Math.floor(this.c.rng.exponential(12)) : 0;
      this.seats.push({ primary: product, start: from + ramp, extras: [] });
    }
  }
}

/** What a customer bought and when, before life events change it. */
interface LicensePlan {
  /** The day the customer bought its plans. */
  readonly since: number;
  readonly office: number;
  readonly primary: ProductRef;
  readonly addOns: readonly AddOn[];
  readonly licenses: Licenses;
  readonly primarySub: Subscription;
  /** The seats of the primary plan bought at `since` (the ones add-ons and trials go to). */
  readonly officeSeats: readonly Seat[];
}

/** What decides a customer's people: staff turnover, dormant users, and the running user number. */
interface People {
  readonly turnover: number;
  readonly weak: boolean;
  readonly dormantShare: number;
  /** Users numbered so far (part of each sign-in name). */
  n: number;
  /** [activeFrom, activeTo] of every user with a day in the window, flat, for the support volume. */
  readonly supportUsers: number[];
}

/** Writes the demo to `outDir`: products, then customer by customer; the same options give the same bytes. */
export async function writeDemoDataset(
  outDir: string,
  options: DemoOptions,
  onProgress?: (done: number, total: number) => void,
): Promise<DemoSummary> {
  mkdirSync(outDir, { recursive: true });
  const run = new DemoRun(options, outDir);
  await writeProducts(run.files);
  for (let ci = 0; ci < options.customers; ci++) {
    await writeCustomer(run, ci);
    onProgress?.(ci + 1, options.customers);
  }
  for (const f of Object.values(run.files)) await f.close();
  return summaryOf(run);
}

/** One CSV file per canonical entity in `outDir`, each with its header. */
function openDemoFiles(outDir: string): DemoFiles {
  const files = {} as DemoFiles;
  for (const entity of Object.keys(ENTITY_SPECS) as CanonicalEntity[]) {
    files[entity] = new CsvFile(
      path.join(outDir, `${entity}.csv`),
      ENTITY_SPECS[entity].columns.map((c) => c.name),
    );
  }
  return files;
}

/** The partner's catalog: demo prices of shipped products, and one product of the partner's own. */
async function writeProducts(files: DemoFiles): Promise<void> {
  const catalog = shippedCatalog().products;
  for (const [part, price] of Object.entries(DEMO_PRICES)) {
    const p = catalog.find((x) => x.partNumber === part);
    if (p === undefined) continue;
    await files.products.write([
      p.productId,
      p.name,
      p.service,
      p.workloads.join(';'),
      p.partNumber,
      p.reportNames.join(';'),
      p.openWorkloads.join(';'),
      p.offerIds.join(';'),
      price.toFixed(2),
      'USD',
    ]);
  }
  // A product of the partner's own, not in Microsoft's catalog.
  await files.products.write([
    'partner-managed-backup',
    'Managed Backup for Microsoft 365 (partner service)',
    'OTHER',
    '',
    'MSP-BACKUP',
    '',
    '',
    '',
    '3.00',
    'USD',
  ]);
}

/**
 * One customer, from its own random stream (`seed/customer/index`), so customers do not depend on
 * each other: who it is, what it bought, what happened to it, its people and their support requests.
 */
async function writeCustomer(run: DemoRun, ci: number): Promise<void> {
  const c = drawCustomer(run, ci);
  await run.files.customers.write([c.id, c.name, c.domain, c.country, c.segment, c.groups.join(';')]);
  const plan = planLicenses(run, c);
  applyLifeEvents(run, c, plan);
  await writeSubscriptions(run, c, plan.licenses.subs);
  const supportUsers = await writePeople(run, c, plan);
  await writeSupportRequests(run, c, plan.primary, supportUsers);
}

/** Who the customer is: size, country, a unique name and domain, segment, profile and groups. */
function drawCustomer(run: DemoRun, ci: number): Customer {
  const rng = new Random(`${run.options.seed}/customer/${ci}`);
  const seats = Math.max(1, Math.min(5000, Math.round(drawSeats(rng, ci) * (run.options.seatFactor ?? 1))));
  const country = rng.weighted<string>([
    ['PL', 55],
    ['DE', 12],
    ['CZ', 8],
    ['GB', 10],
    ['US', 8],
    ['NL', 7],
  ]);
  const baseName = COMPANY_NAMES[ci % COMPANY_NAMES.length] ?? 'Customer';
  const seen = run.usedNames.get(baseName) ?? 0;
  run.usedNames.set(baseName, seen + 1);
  const name = `${baseName}${seen > 0 ? ` ${REGIONS[seen % REGIONS.length] ?? ''}`.replace(/ (\w)/, (m) => m.toUpperCase()) : ''} ${rng.pick(COMPANY_SUFFIXES[country] ?? ['Ltd'])}`;
  const domain = `${slug(baseName)}${seen > 0 ? seen : ''}.${country === 'US' || country === 'GB' ? 'com' : country.toLowerCase()}`;
  const id = rng.guid();
  const segment: Segment = seats <= 300 ? 'SMB' : seats <= 2000 ? 'Mid-market' : 'Enterprise';
  const script = SCRIPT[ci] ?? {};
  const forced = new Set<LifeEvent>(script.events ?? []);
  // Drawn even when the script sets the profile: the stream after it stays the same.
  const randomProfile: Profile = rng.weighted<Profile>([
    ['healthy', 40],
    ['low_adoption', 15],
    ['declining', 11],
    ['growing', 12],
    ['new', 10],
    ['howto_heavy', 12],
  ]);
  const profile: Profile = script.profile ?? randomProfile;
  const groups = [rng.pick(REGIONS)];
  if (seats > 500 || rng.chance(0.1)) groups.push('priority');
  if (profile === 'new') groups.push('new-logo');
  return { rng, id, name, domain, country, seats, segment, profile, groups, forced };
}

/** What the customer bought at `since`: plans, deployed seats, add-ons; growing ones buy more later. */
function planLicenses(run: DemoRun, c: Customer): LicensePlan {
  const since = drawSince(run, c);
  const { frontline, office, primary, frontlineProduct, addOns } = drawSkuMix(c);
  const deployment = drawDeployment(c);
  const licenses = new Licenses(c, run.start);
  const primarySub = licenses.newSub(primary, office, since);
  licenses.addSeats(primary, Math.round(office * deployment), since);
  if (frontline > 0) {
    licenses.newSub(frontlineProduct, frontline, since + c.rng.int(0, 60));
    licenses.addSeats(frontlineProduct, Math.round(frontline * Math.min(1, deployment + 0.05)), since);
  }
  const officeSeats = licenses.seats.filter((s) => s.primary === primary);
  const plan = { since, office, primary, addOns, licenses, primarySub, officeSeats };
  buyAddOns(run, c, plan);
  if (c.profile === 'growing') growPrimary(run, c, plan);
  return plan;
}

/** When the customer bought: most long before the window, some during it, "new" ones lately. */
function drawSince(run: DemoRun, c: Customer): number {
  const rng = c.rng;
  return c.profile === 'new'
    ? run.end - rng.int(25, 85)
    : rng.chance(0.82)
      ? run.start - rng.int(30, 1200)
      : run.start + rng.int(0, Math.max(1, run.options.days - 120));
}

/** The SKU mix of the segment: frontline share, primary and frontline plans, add-ons and their channel. */
function drawSkuMix(c: Customer): SkuMix {
  const rng = c.rng;
  const frontlineShare =
    c.segment === 'SMB'
      ? rng.chance(0.25)
        ? rng.next() * 0.3
        : 0
      : rng.chance(0.5)
        ? 0.15 + rng.next() * 0.25
        : 0;
  const frontline = Math.round(c.seats * frontlineShare);
  const office = Math.max(1, c.seats - frontline);
  const primary = drawPrimary(c);
  const frontlineProduct =
    c.segment === 'SMB'
      ? P.kiosk
      : rng.weighted([
          [P.f3, 70],
          [P.kiosk, 30],
        ]);
  const addOns = drawAddOns(c);
  channelAddOns(c, addOns);
  return { frontline, office, primary, frontlineProduct, addOns };
}

/** The plan of the office seats, by segment (Business Standard where an upgrade is scripted). */
function drawPrimary(c: Customer): ProductRef {
  const rng = c.rng;
  if (c.forced.has('upgrade')) return P.standard;
  if (c.segment === 'SMB')
    return rng.weighted([
      [P.basic, 30],
      [P.standard, 40],
      [P.premium, 30],
    ]);
  if (c.segment === 'Mid-market')
    return rng.weighted([
      [P.e3, 30],
      [P.m365e3, 45],
      [P.premium, 15],
      [P.e1, 10],
    ]);
  return rng.weighted([
    [P.m365e3, 50],
    [P.m365e5, 30],
    [P.e3, 20],
  ]);
}

/** Add-ons by segment, each by chance for a share of the office seats; scripted events get one if none. */
function drawAddOns(c: Customer): AddOn[] {
  const rng = c.rng;
  const addOns: AddOn[] = [];
  const addOn = (product: ProductRef, chance: number, lo: number, hi: number) => {
    if (rng.chance(chance)) addOns.push({ product, share: lo + rng.next() * (hi - lo), channel: 'own' });
  };
  if (c.segment === 'SMB') {
    addOn(rng.chance(0.5) ? P.businessCentral : P.d365SalesPro, 0.14, 0.1, 0.35);
    addOn(P.powerBi, 0.2, 0.05, 0.2);
    addOn(P.copilot, 0.1, 0.1, 0.3);
  } else {
    addOn(rng.chance(0.6) ? P.d365Sales : P.d365Service, c.segment === 'Enterprise' ? 0.6 : 0.35, 0.04, 0.14);
    addOn(P.powerBi, 0.45, 0.05, 0.2);
    addOn(P.visio, 0.25, 0.02, 0.06);
    addOn(P.teamsPhone, 0.2, 0.1, 0.4);
    addOn(P.copilot, 0.3, 0.03, 0.1);
  }
  // Licenses bought elsewhere: another partner or Microsoft directly.
  const firstAddOn = addOns[0];
  if (c.forced.has('cancel') && addOns.length === 0)
    addOns.push({ product: P.visio, share: 0.05, channel: 'own' });
  if (c.forced.has('other_partner') || c.forced.has('direct')) {
    if (firstAddOn === undefined) addOns.push({ product: P.powerBi, share: 0.1, channel: 'own' });
  }
  return addOns;
}

/** The first add-on may come through another partner or from Microsoft directly (always if scripted). */
function channelAddOns(c: Customer, addOns: readonly AddOn[]): void {
  const rng = c.rng;
  const channelled = addOns[0];
  if (channelled !== undefined) {
    if (c.forced.has('other_partner')) channelled.channel = 'other_partner';
    else if (c.forced.has('direct')) channelled.channel = 'direct';
    else if (rng.chance(0.25)) channelled.channel = rng.chance(0.5) ? 'other_partner' : 'direct';
  }
}

/** Share of the bought office seats that are assigned: low where adoption is low, all where growing. */
function drawDeployment(c: Customer): number {
  const rng = c.rng;
  return c.profile === 'low_adoption'
    ? 0.55 + rng.next() * 0.25
    : c.profile === 'growing'
      ? 1
      : 0.88 + rng.next() * 0.12;
}

/** A subscription per add-on, its licenses on the first office seats (fewer where adoption is low). */
function buyAddOns(run: DemoRun, c: Customer, plan: LicensePlan): void {
  const { rng } = c;
  const { since, office, officeSeats } = plan;
  for (const a of plan.addOns) {
    const qty = Math.max(1, Math.round(office * a.share));
    const from = Math.min(Math.max(since, run.end - 10), since + rng.int(0, 400));
    plan.licenses.newSub(a.product, qty, from, { channel: a.channel });
    const holders = Math.min(
      officeSeats.length,
      Math.round(qty * (c.profile === 'low_adoption' ? 0.7 : 0.95)),
    );
    for (let i = 0; i < holders; i++)
      officeSeats[i]?.extras.push({ product: a.product, from: from + rng.int(0, 20), to: null });
  }
}

/** Growing customers buy more seats of their plan now and then (up to three times in the window). */
function growPrimary(run: DemoRun, c: Customer, plan: LicensePlan): void {
  const { rng } = c;
  let qty = plan.office;
  for (let k = 0; k < 3; k++) {
    const day = run.start + rng.int(30, run.options.days - 10);
    if (day <= plan.since) continue;
    const more = Math.max(1, Math.round(qty * (0.05 + rng.next() * 0.1)));
    qty += more;
    plan.primarySub.snapshots.push({ asOf: day, quantity: qty, status: 'active', reason: '' });
    plan.licenses.addSeats(plan.primary, more, day);
  }
  plan.primarySub.snapshots.sort((a, b) => a.asOf - b.asOf);
}

/** Life events, scripted or drawn, in a fixed order (the random stream depends on it). */
function applyLifeEvents(run: DemoRun, c: Customer, plan: LicensePlan): void {
  runTrial(run, c, plan);
  cancelAddOn(run, c, plan);
  suspendForNonpayment(run, c, plan);
  upgradeToPremium(run, c, plan);
  lapseElsewhere(run, c, plan);
}

/** A trial of Copilot or E5 on up to 25 office seats, converted or expired (its licenses linger a while). */
function runTrial(run: DemoRun, c: Customer, plan: LicensePlan): void {
  const { rng, forced, profile } = c;
  const { end, start } = run;
  const { primary, officeSeats } = plan;
  if (!((forced.has('trial') || rng.chance(profile === 'growing' ? 0.5 : 0.15)) && officeSeats.length > 0))
    return;
  const product = primary === P.m365e5 ? P.copilot : rng.chance(0.5) ? P.copilot : P.m365e5;
  const t0 =
    forced.has('trial') || rng.chance(0.4) ? end - rng.int(3, 25) : start + rng.int(0, run.options.days - 60);
  const qty = Math.min(25, Math.max(1, officeSeats.length));
  const trial = plan.licenses.newSub(product, qty, t0, { trial: true, billing: 'monthly' });
  const converts = rng.chance(0.4);
  const trialEnd = t0 + 30;
  if (trialEnd <= end) {
    trial.snapshots.push({ asOf: trialEnd, quantity: qty, status: 'expired', reason: '' });
    if (trialEnd + 30 <= end)
      trial.snapshots.push({
        asOf: trialEnd + 30,
        quantity: qty,
        status: 'deleted',
        reason: 'customer_cancellation',
      });
    if (converts) plan.licenses.newSub(product, qty, trialEnd);
  }
  const linger = converts ? null : trialEnd + rng.int(0, 20);
  for (let i = 0; i < qty; i++)
    officeSeats[i]?.extras.push({ product, from: t0 + rng.int(0, 4), to: linger });
}

/** A secondary product is cancelled: grace period, disabled, deprovisioned; licenses removed late. */
function cancelAddOn(run: DemoRun, c: Customer, plan: LicensePlan): void {
  const { rng, forced } = c;
  const { end } = run;
  const { addOns } = plan;
  if (!((forced.has('cancel') || rng.chance(0.12)) && addOns.length > 0)) return;
  const sub = plan.licenses.subs.find((s) => s.product === addOns[addOns.length - 1]?.product);
  if (sub === undefined) return;
  const cancelled = forced.has('cancel')
    ? end - rng.int(95, 140)
    : Math.max(sub.start + 40, end - rng.int(10, 150));
  if (cancelled >= end) return;
  const q = sub.snapshots[sub.snapshots.length - 1]?.quantity ?? 1;
  sub.snapshots.push({ asOf: cancelled, quantity: q, status: 'expired', reason: '' });
  if (cancelled + 30 <= end)
    sub.snapshots.push({ asOf: cancelled + 30, quantity: q, status: 'disabled', reason: '' });
  if (cancelled + 90 <= end)
    sub.snapshots.push({
      asOf: cancelled + 90,
      quantity: q,
      status: 'deleted',
      reason: 'customer_cancellation',
    });
  for (const s of plan.officeSeats)
    for (const x of s.extras)
      if (x.product === sub.product && x.to === null) x.to = cancelled + 30 + rng.int(0, 15);
}

/** The primary subscription is suspended for non-payment for one to three weeks. */
function suspendForNonpayment(run: DemoRun, c: Customer, plan: LicensePlan): void {
  const { rng } = c;
  const { primarySub } = plan;
  if (!(c.forced.has('nonpayment') || rng.chance(0.06))) return;
  const s0 = Math.max(plan.since + 30, run.start + rng.int(0, run.options.days - 40));
  const back = s0 + rng.int(7, 21);
  primarySub.snapshots.push({
    asOf: s0,
    quantity: primarySub.snapshots[0]?.quantity ?? plan.office,
    status: 'suspended',
    reason: 'nonpayment',
  });
  if (back <= run.end)
    primarySub.snapshots.push({
      asOf: back,
      quantity: primarySub.snapshots[0]?.quantity ?? plan.office,
      status: 'active',
      reason: '',
    });
  primarySub.snapshots.sort((a, b) => a.asOf - b.asOf);
}

/** Business Standard → Premium: the old subscription is suspended as upgraded, its seats switch. */
function upgradeToPremium(run: DemoRun, c: Customer, plan: LicensePlan): void {
  const { rng } = c;
  const { primarySub } = plan;
  if (!(plan.primary === P.standard && (c.forced.has('upgrade') || rng.chance(0.3)))) return;
  const u = Math.max(plan.since + 60, run.start + rng.int(20, run.options.days - 20));
  if (u >= run.end) return;
  const q = primarySub.snapshots.filter((s) => s.asOf <= u).pop()?.quantity ?? plan.office;
  primarySub.snapshots.push({ asOf: u, quantity: q, status: 'suspended', reason: 'upgraded' });
  primarySub.snapshots.sort((a, b) => a.asOf - b.asOf);
  plan.licenses.newSub(P.premium, q, u);
  for (const s of plan.officeSeats) s.switchTo = { day: u, product: P.premium };
}

/** A second, small subscription of the primary product through another partner lapses into grace. */
function lapseElsewhere(run: DemoRun, c: Customer, plan: LicensePlan): void {
  const { rng } = c;
  if (!(rng.chance(0.05) && c.segment !== 'SMB')) return;
  const s = plan.licenses.newSub(plan.primary, 5, run.start + rng.int(0, 100), { channel: 'other_partner' });
  const g = run.end - rng.int(5, 20);
  s.snapshots.push({ asOf: g, quantity: 5, status: 'expired', reason: '' });
  plan.licenses.addSeats(plan.primary, 5, s.start);
}

/** Every subscription's snapshots; counts those written (one starting after the last day has none). */
async function writeSubscriptions(run: DemoRun, c: Customer, subs: readonly Subscription[]): Promise<void> {
  for (const s of subs) if (await writeSnapshots(run, c, s)) run.subscriptions++;
}

/** Snapshots at each change and renewal in the window (the term end moves on); whether any was written. */
async function writeSnapshots(run: DemoRun, c: Customer, s: Subscription): Promise<boolean> {
  const { start, end } = run;
  let written = false;
  const term = s.billing === 'annual' ? 365 : 30;
  const renewals: number[] = [];
  for (let t = s.start + term; t <= end; t += term) if (t >= start) renewals.push(t);
  const changeDays = new Set([...s.snapshots.map((x) => x.asOf), ...renewals]);
  const days = [...changeDays].filter((d) => d <= end).sort((a, b) => a - b);
  for (const d of days) {
    const snap = s.snapshots.filter((x) => x.asOf <= d).pop();
    if (snap === undefined) continue;
    const termEnd = s.start + term * (Math.floor((d - s.start) / term) + 1);
    await run.files.subscriptions.write([
      formatDay(d),
      s.id,
      c.id,
      s.product.id,
      String(snap.quantity),
      snap.status,
      s.trial ? 'true' : 'false',
      s.channel,
      snap.reason,
      s.billing,
      formatDay(termEnd),
      snap.status === 'active' && !s.trial ? 'true' : 'false',
    ]);
    written = true;
  }
  return written;
}

/** People in seats, one after another, with licenses and activity; returns their active spans (support). */
async function writePeople(run: DemoRun, c: Customer, plan: LicensePlan): Promise<number[]> {
  const weak = c.profile === 'low_adoption';
  const people: People = {
    turnover: c.rng.chance(0.3) ? 0.25 : 0.12,
    weak,
    dormantShare: weak ? 0.22 : c.profile === 'howto_heavy' ? 0.08 : 0.03,
    n: 0,
    supportUsers: [],
  };
  for (const seat of plan.licenses.seats) {
    let from = seat.start;
    while (from <= run.end) from = await writePerson(run, c, people, seat, from);
  }
  return people.supportUsers;
}

/**
 * The person who takes `seat` on day `from` and stays a drawn tenure: written with their licenses
 * and activity unless they left before the data reaches back; returns the day the next one comes.
 */
async function writePerson(
  run: DemoRun,
  c: Customer,
  people: People,
  seat: Seat,
  from: number,
): Promise<number> {
  const { rng } = c;
  const { start, end } = run;
  const tenure = Math.floor(rng.exponential(365 / people.turnover));
  const leave = from + Math.max(20, tenure);
  const to = leave <= end ? leave : null;
  const next = to === null ? end + 1 : to + rng.int(3, 25);
  if (to !== null && to < start - 28) return next;
  people.n++;
  run.users++;
  const first = rng.pick(FIRST_NAMES);
  const last = rng.pick(LAST_NAMES);
  const upn = `${slug(first)}.${slug(last)}${people.n}@${c.domain}`;
  await run.files.users.write([c.id, upn, upn, `${first} ${last}`, to === null ? null : formatDay(to)]);
  const holds = holdsOf(seat, from, to);
  for (const h of holds) {
    if (h.from > end) continue;
    // A removal planned after the last day is not known yet: the license is still held.
    const removed = h.to === null || h.to > end ? null : formatDay(h.to);
    await run.files.license_assignments.write([c.id, upn, h.product.id, formatDay(h.from), removed]);
  }
  const activeFrom = Math.max(start, from);
  const activeTo = Math.min(end, to === null ? end : to - 1);
  if (activeFrom > activeTo) return next;
  people.supportUsers.push(activeFrom, activeTo);
  if (rng.chance(people.dormantShare)) return next;
  await writeActivity(run, c, people, { upn, from, to, holds, activeFrom, activeTo });
  return next;
}

/**
 * Licenses a person holds in a seat over [from, to): the plan (switched at an upgrade) and the
 * seat's extras in that time; two sources of the same license (an add-on and a trial of it) are one.
 */
function holdsOf(seat: Seat, from: number, to: number | null): Hold[] {
  const holds: Hold[] = [];
  const until = (d: number | null) => (to === null ? d : d === null ? to : Math.min(d, to));
  if (seat.switchTo !== undefined && seat.switchTo.day > from && (to === null || seat.switchTo.day < to)) {
    holds.push({ product: seat.primary, from, to: seat.switchTo.day });
    holds.push({ product: seat.switchTo.product, from: seat.switchTo.day, to });
  } else {
    const p = seat.switchTo !== undefined && seat.switchTo.day <= from ? seat.switchTo.product : seat.primary;
    holds.push({ product: p, from, to });
  }
  for (const x of seat.extras) {
    const f = Math.max(x.from, from);
    const t = until(x.to);
    if (t === null || t > f) holds.push({ product: x.product, from: f, to: t });
  }
  const merged: Hold[] = [];
  for (const h of [...holds].sort((a, b) =>
    a.product.id < b.product.id ? -1 : a.product.id > b.product.id ? 1 : a.from - b.from,
  )) {
    const last = merged[merged.length - 1];
    if (last !== undefined && last.product === h.product && (last.to === null || h.from <= last.to)) {
      merged[merged.length - 1] = {
        product: h.product,
        from: last.from,
        to: last.to === null || h.to === null ? null : Math.max(last.to, h.to),
      };
    } else merged.push(h);
  }
  return merged;
}

/** A person in the window, with the licenses they hold. */
interface Holder {
  readonly upn: string;
  /** The day they took the seat and the day they left (null: still there). */
  readonly from: number;
  readonly to: number | null;
  readonly holds: readonly Hold[];
  /** Their days in the window: [activeFrom, activeTo], not empty. */
  readonly activeFrom: number;
  readonly activeTo: number;
}

/**
 * A person's activity: how engaged they are, whether they quit (declining customers), and per
 * workload they hold (Yammer sometimes without a license) whether they adopt it and on which days.
 */
async function writeActivity(run: DemoRun, c: Customer, people: People, person: Holder): Promise<void> {
  const { rng, profile } = c;
  const { from, to, holds } = person;
  const engagement = rng.weighted<number>([
    [0.35, 15],
    [0.85, 60],
    [1.1, 25],
  ]);
  // Declining customers: a good share of people stop using the service in the last weeks.
  const quit = profile === 'declining' && rng.chance(0.45) ? run.end - rng.int(20, 75) : null;
  const workloads = new Set<WorkloadCode>();
  for (const h of holds) for (const w of h.product.workloads) workloads.add(w);
  // Unlicensed Yammer/Viva Engage: frontline people on Exchange-only plans use it anyway.
  const unlicensedYam = !workloads.has('YAM') && rng.chance(0.12);
  if (unlicensedYam) workloads.add('YAM');
  for (const w of workloads) {
    const adopt = ADOPTION[people.weak ? 'weak' : 'normal'][w];
    if (!(w === 'YAM' && unlicensedYam) && !rng.chance(adopt)) continue;
    const p = Math.min(0.97, FREQUENCY[w] * engagement * run.factor);
    const rampDays = profile === 'new' || from > run.start ? rng.exponential(14) : 0;
    const ranges =
      w === 'YAM' && unlicensedYam
        ? [{ from, to }]
        : holds.filter((h) => h.product.workloads.includes(w)).map((h) => ({ from: h.from, to: h.to }));
    await writeWorkloadDays(run, c, person, w, { p, rampDays, quit, ranges });
  }
}

/** How a person uses one workload: daily chance, ramp-up, quitting day, and the licensed day ranges. */
interface WorkloadUse {
  readonly p: number;
  readonly rampDays: number;
  readonly quit: number | null;
  readonly ranges: readonly { readonly from: number; readonly to: number | null }[];
}

/**
 * The days a person uses workload `w`: one draw per licensed day in the window (weekends rarely,
 * Dynamics 365 never), ramping up from the day they took the seat, none after quitting.
 */
async function writeWorkloadDays(
  run: DemoRun,
  c: Customer,
  person: Holder,
  w: WorkloadCode,
  use: WorkloadUse,
): Promise<void> {
  const { rng } = c;
  const { upn, from, activeFrom, activeTo } = person;
  const { p, rampDays, quit, ranges } = use;
  const end = run.end;
  let line = '';
  let lines = 0;
  // Two licenses with the same workload (an add-on and a trial of it, a plan and its
  // upgrade) overlap: a day is one activity fact however many ranges cover it. The draw is
  // made for every range all the same, so the random stream (and the rest of the demo)
  // does not depend on the overlaps.
  const seen = ranges.length > 1 ? new Set<number>() : null;
  for (const r of ranges) {
    const lo = Math.max(activeFrom, r.from);
    const hi = Math.min(activeTo, r.to === null ? end : r.to - 1, quit ?? end);
    for (let d = lo; d <= hi; d++) {
      const wd = weekdayOf(d);
      const weekend = wd >= 5;
      if (w === 'D365' && weekend) continue;
      const since = d - from;
      const ramp = rampDays > 0 ? 1 - Math.exp(-since / rampDays) : 1;
      if (rng.next() < p * ramp * (weekend ? 0.1 : 1)) {
        if (seen !== null) {
          if (seen.has(d)) continue;
          seen.add(d);
        }
        line += `${c.id},${upn},${w},${run.dayText(d)}\n`;
        lines++;
      }
    }
  }
  if (lines > 0) await run.files.activity.writeRaw(line, lines);
}

/** Weekly support requests, Poisson in the active users; more how-to where adoption is new or weak. */
async function writeSupportRequests(
  run: DemoRun,
  c: Customer,
  primary: ProductRef,
  supportUsers: readonly number[],
): Promise<void> {
  const { rng, profile } = c;
  const { start, end } = run;
  const weak = profile === 'low_adoption';
  const howtoRate = profile === 'howto_heavy' ? 0.0065 : profile === 'new' || weak ? 0.0022 : 0.0006;
  const problemRate = 0.0007;
  let req = 0;
  const workloadsOfPrimary = primary.workloads;
  for (let d = start; d <= end; d += 7) {
    const population = activeOn(supportUsers, d);
    if (population === 0) continue;
    for (const [category, rate] of [
      ['how_to', howtoRate],
      ['problem', problemRate],
      ['other', 0.0002],
    ] as const) {
      const count = poisson(rng, population * rate * 7);
      for (let k = 0; k < count; k++) {
        const day = Math.min(end, d + rng.int(0, 6));
        if (weekdayOf(day) >= 5 && rng.chance(0.7)) continue;
        req++;
        const specific = rng.chance(0.7);
        await run.files.support_requests.write([
          c.id,
          `SR-${c.id.slice(0, 4).toUpperCase()}-${String(req).padStart(5, '0')}`,
          formatDay(day),
          category,
          specific ? primary.id : null,
          specific ? rng.pick(workloadsOfPrimary) : null,
        ]);
      }
    }
  }
}

/** How many of the spans `[from, to, from, to, …]` hold day `d`. */
function activeOn(spans: readonly number[], d: number): number {
  let k = 0;
  for (let i = 0; i < spans.length; i += 2) if ((spans[i] ?? 0) <= d && d <= (spans[i + 1] ?? 0)) k++;
  return k;
}

/** The counts of what was written, and the files. */
function summaryOf(run: DemoRun): DemoSummary {
  const { files } = run;
  return {
    customers: files.customers.rows,
    users: run.users,
    subscriptions: run.subscriptions,
    subscriptionSnapshots: files.subscriptions.rows,
    licenseAssignments: files.license_assignments.rows,
    activity: files.activity.rows,
    supportRequests: files.support_requests.rows,
    files: Object.values(files).map((f) => f.file),
  };
}
