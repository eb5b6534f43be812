/**
 * The workload rule: which workloads a Microsoft product includes, decided from the plans that make
 * the product what it is. Pure and IO-free: the catalog generator applies it to Microsoft's table
 * ("Product names and service plan identifiers for licensing") and the tests re-apply it to the
 * shipped catalog. docs/metrics.md ("Which workloads a product includes") states it in prose;
 * `workload-decisions.md` beside the catalog lists every decision it made.
 *
 * 1. The product's family comes from its display name (`familyOf`): Office 365 / Microsoft 365
 *    suites (E, F, A, G and Business plans), Microsoft 365 Apps, Exchange Online, SharePoint Online
 *    and OneDrive, Skype for Business Online, Teams (Essentials, Enterprise/EEA, Exploratory, trial,
 *    free), Teams Rooms and shared devices, Dynamics 365 apps and Dynamics 365 capacity add-ons;
 *    everything else is an app or add-on.
 * 2. Suites and standalone services get the workloads of their core plans (`CORE_PLANS`: mailbox
 *    plans → EXO, SharePoint and OneDrive → SPO, Teams → TEAMS, Yammer/Viva Engage → YAM, Skype
 *    for Business → SFB, Microsoft 365 Apps → OFFICE); a "(no Teams)" product never gets TEAMS.
 *    Foundation, archive and Office-for-the-web plans are not core plans.
 * 3. Dynamics 365 apps get D365 only; Teams Rooms and shared devices TEAMS only (the device
 *    account's own Teams use); standalone Skype for Business Online SFB.
 * 4. Apps and add-ons get none, even when they bundle a mailbox foundation, storage, a site or Teams
 *    (Visio with OneDrive, Project with SharePoint, Teams Premium, Phone, Copilot…): their usage is
 *    not measured (SPEC §2: null) rather than borrowed from another product's workload.
 * 5. Open workloads: YAM wherever a product includes it. Service: D365 for the Dynamics families,
 *    O365 when the product has any other workload, OTHER otherwise.
 */
import {
  type ServiceCode,
  type ServicePlan,
  WORKLOAD_CODES,
  type WorkloadCode,
} from '@license-insights/contracts';

/** What the rule looks at: the display name Microsoft gives the product and its service plans. */
export interface ProductFacts {
  readonly name: string;
  readonly servicePlans: readonly ServicePlan[];
}

/**
 * Plans that give a workload, by normalised plan name (`normalizePlanName`). A plan not listed
 * gives nothing. Deliberately not listed:
 * - EXCHANGE_S_FOUNDATION(_GOV): the mailbox-less foundation under apps (Power BI, Visio…);
 * - EXCHANGE_S_ARCHIVE(_ADDON): archiving for a mailbox held through another product;
 * - MCOIMP(_GOV) (Skype for Business Online Plan 1): Microsoft puts it in frontline and Teams SKUs
 *   for presence in Teams; those SKUs have no Skype for Business workload (verified by hand for
 *   Office 365 F3, Microsoft 365 F1/F3, Teams Essentials (AAD) and Teams EEA);
 * - SHAREPOINTWAC (Office for the web), OFFICEMOBILE_SUBSCRIPTION, SHAREPOINTSTORAGE,
 *   SHAREPOINT_PROJECT, TEAMSPRO_*, MESH_*, Teams_Room_*, multi-geo plans.
 */
export const CORE_PLANS: Readonly<Record<string, WorkloadCode>> = {
  // Mailbox plans.
  EXCHANGE_S_STANDARD: 'EXO',
  EXCHANGE_S_ENTERPRISE: 'EXO',
  EXCHANGE_S_DESKLESS: 'EXO',
  EXCHANGE_S_ESSENTIALS: 'EXO',
  EXCHANGE_S_STANDARD_GOV: 'EXO',
  EXCHANGE_S_ENTERPRISE_GOV: 'EXO',
  EXCHANGE_S_DESKLESS_GOV: 'EXO',
  EXCHANGE_S_STANDARD_MIDMARKET: 'EXO',
  EXCHANGE_L_STANDARD: 'EXO',
  EXCHANGE_B_STANDARD: 'EXO',
  // SharePoint and OneDrive (OneDrive counts as SharePoint, SPEC §2).
  SHAREPOINTSTANDARD: 'SPO',
  SHAREPOINTENTERPRISE: 'SPO',
  SHAREPOINTDESKLESS: 'SPO',
  SHAREPOINTLITE: 'SPO',
  SHAREPOINTSTANDARD_EDU: 'SPO',
  SHAREPOINTENTERPRISE_EDU: 'SPO',
  SHAREPOINTENTERPRISE_GOV: 'SPO',
  SHAREPOINTDESKLESS_GOV: 'SPO',
  SHAREPOINTENTERPRISE_MIDMARKET: 'SPO',
  'SHAREPOINT PLAN 1G': 'SPO',
  SHAREPOINT_S_DEVELOPER: 'SPO',
  ONEDRIVESTANDARD: 'SPO',
  ONEDRIVEENTERPRISE: 'SPO',
  ONEDRIVE_BASIC: 'SPO',
  ONEDRIVE_BASIC_P2: 'SPO',
  ONEDRIVE_BASIC_GOV: 'SPO',
  ONEDRIVELITE_IW: 'SPO',
  ONEDRIVECLIPCHAMP: 'SPO',
  // Teams.
  TEAMS1: 'TEAMS',
  TEAMS_GOV: 'TEAMS',
  TEAMS_AR_DOD: 'TEAMS',
  TEAMS_AR_GCCHIGH: 'TEAMS',
  TEAMS_FREE: 'TEAMS',
  TEAMS_FREE_SERVICE: 'TEAMS',
  TEAMS_DESKLESS: 'TEAMS',
  TEAMSESS: 'TEAMS',
  MCO_TEAMS_IW: 'TEAMS',
  // Yammer / Viva Engage.
  YAMMER_ENTERPRISE: 'YAM',
  YAMMER_EDU: 'YAM',
  YAMMER_MIDSIZE: 'YAM',
  YAMMER_BASIC: 'YAM',
  VIVAENGAGE_CORE: 'YAM',
  VIVAENGAGE_COMMUNITIES_AND_COMMUNICATIONS: 'YAM',
  VIVAENGAGE_KNOWLEDGE: 'YAM',
  // Skype for Business (Plan 2 and its kin; Plan 1 above).
  MCOSTANDARD: 'SFB',
  MCOSTANDARD_GOV: 'SFB',
  MCOSTANDARD_MIDMARKET: 'SFB',
  MCOLITE: 'SFB',
  MCOVOICECONF: 'SFB',
  MCOBASIC: 'SFB',
  // Microsoft 365 Apps (the desktop Office apps).
  OFFICESUBSCRIPTION: 'OFFICE',
  OFFICESUBSCRIPTION_GOV: 'OFFICE',
  OFFICESUBSCRIPTION_UNATTENDED: 'OFFICE',
  OFFICESUBSCRIPTION_UNATTENDED_GOV: 'OFFICE',
  OFFICE_BUSINESS: 'OFFICE',
  OFFICE_PRO_PLUS_SUBSCRIPTION_SMBIZ: 'OFFICE',
  OFFICE_PROPLUS_DEVICE: 'OFFICE',
};

/** The Skype plans a standalone Skype for Business Online SKU is made of (Plan 1 included). */
const SKYPE_PLANS: ReadonlySet<string> = new Set(['MCOIMP', 'MCOIMP_GOV', 'MCOSTANDARD', 'MCOSTANDARD_GOV']);

/** Microsoft's plan names vary in case and spacing between products ("Deskless", "DESKLESS"). */
export function normalizePlanName(name: string): string {
  return name.replace(/\s+/g, ' ').trim().toUpperCase();
}

export const PRODUCT_FAMILIES = [
  'suite',
  'apps',
  'exchange',
  'sharepoint',
  'skype',
  'teams',
  'teams-device',
  'dynamics',
  'dynamics-add-on',
  'other',
] as const;
export type ProductFamily = (typeof PRODUCT_FAMILIES)[number];

/** What a family means, for the decision table and `insights catalog show`. */
export const FAMILY_NAMES: Readonly<Record<ProductFamily, string>> = {
  suite: 'Office 365 / Microsoft 365 suite',
  apps: 'Microsoft 365 Apps',
  exchange: 'Exchange Online',
  sharepoint: 'SharePoint Online / OneDrive',
  skype: 'Skype for Business Online',
  teams: 'Teams suite',
  'teams-device': 'Teams Rooms / shared device',
  dynamics: 'Dynamics 365 app',
  'dynamics-add-on': 'Dynamics 365 capacity or add-on',
  other: 'app or add-on',
};

const DYNAMICS = /\bDynamics (365|CRM|AX7?)\b|^Microsoft Relationship Sales\b/i;
const DYNAMICS_ADD_ON =
  /\b(Additional|Addnl|Addl|Add-?ons?|Add-in|Storage|Instance|Portal|Capacity|Sandbox|Environment|Hybrid Connector)\b/i;
/** Names of suite add-ons that would otherwise read as suites ("Microsoft 365 E5 Security"). */
const SUITE_ADD_ON = /\b(Security|Compliance|Add-?on|Suite features|Extra Features)\b/i;
const SUITE = [
  /^(Office|Microsoft) 365 (GCC )?[AEFG]\d(?!\d)/i,
  /^(Office|Microsoft) 365 Business (Basic|Standard|Premium)\b/i,
  /^Office 365 (Midsize|Small) Business\b/i,
  /^Basic Collaboration$/i,
];
const FAMILY_PATTERNS: readonly (readonly [ProductFamily, RegExp])[] = [
  ['apps', /^(Microsoft 365 Apps for|Office 365 ProPlus\b)/i],
  ['exchange', /^Exchange Online\b/i],
  ['sharepoint', /^(SharePoint Online|OneDrive for Business)\b/i],
  ['skype', /^Skype for Business Online \(Plan/i],
  ['teams', /^Microsoft Teams (Essentials|EEA|Enterprise|Exploratory|Trial|Commercial Cloud|\(Free\))/i],
  ['teams-device', /^(Microsoft )?Teams (Rooms|Shared Devices)\b/i],
];

/** The product's family, from its display name (as Microsoft's table writes it). */
export function familyOf(name: string): ProductFamily {
  if (DYNAMICS.test(name)) return DYNAMICS_ADD_ON.test(name) ? 'dynamics-add-on' : 'dynamics';
  if (SUITE.some((p) => p.test(name))) return SUITE_ADD_ON.test(name) ? 'other' : 'suite';
  for (const [family, pattern] of FAMILY_PATTERNS) if (pattern.test(name)) return family;
  return 'other';
}

export interface WorkloadDecision {
  readonly family: ProductFamily;
  readonly workloads: readonly WorkloadCode[];
  readonly openWorkloads: readonly WorkloadCode[];
  readonly service: ServiceCode;
  /** The product's core plans (normalised name → workload), whether or not they count. */
  readonly corePlans: readonly { readonly plan: string; readonly workload: WorkloadCode }[];
  /** Why, in one line. */
  readonly reason: string;
}

const FROM_CORE_PLANS: ReadonlySet<ProductFamily> = new Set([
  'suite',
  'apps',
  'exchange',
  'sharepoint',
  'teams',
]);

const byCode = (a: WorkloadCode, b: WorkloadCode) => WORKLOAD_CODES.indexOf(a) - WORKLOAD_CODES.indexOf(b);

/** The rule: a product's workloads, open workloads and service, with the reason. */
export function decideWorkloads(p: ProductFacts): WorkloadDecision {
  const family = familyOf(p.name);
  const planNames = [...new Set(p.servicePlans.map((s) => normalizePlanName(s.name)))].sort();
  const corePlans = planNames.flatMap((plan) => {
    // A standalone Skype SKU is made of its Skype plan, Plan 1 included.
    const workload = family === 'skype' && SKYPE_PLANS.has(plan) ? 'SFB' : CORE_PLANS[plan];
    return workload === undefined ? [] : [{ plan, workload }];
  });
  const carried = [...new Set(corePlans.map((c) => c.workload))].sort(byCode);
  let workloads: WorkloadCode[];
  let reason: string;
  if (FROM_CORE_PLANS.has(family)) {
    const noTeams = /\(no Teams\)/i.test(p.name);
    workloads = carried.filter((w) => !(noTeams && w === 'TEAMS'));
    reason =
      workloads.length === 0
        ? `${FAMILY_NAMES[family]} without a core plan: no workloads`
        : `${FAMILY_NAMES[family]}: the workloads of its core plans`;
    if (noTeams && carried.includes('TEAMS')) reason += '; "(no Teams)": its Teams plan not counted';
  } else if (family === 'dynamics') {
    workloads = ['D365'];
    reason =
      carried.length > 0
        ? `${FAMILY_NAMES[family]}: D365 only (the ${carried.join(', ')} it bundles belong to the app)`
        : `${FAMILY_NAMES[family]}: D365`;
  } else if (family === 'teams-device') {
    workloads = carried.includes('TEAMS') ? ['TEAMS'] : [];
    reason =
      workloads.length > 0
        ? `${FAMILY_NAMES[family]}: TEAMS only (the device account's own Teams use)`
        : `${FAMILY_NAMES[family]} without a Teams plan: no workloads`;
  } else if (family === 'skype') {
    workloads = carried.includes('SFB') ? ['SFB'] : [];
    reason =
      workloads.length > 0
        ? `${FAMILY_NAMES[family]}: SFB`
        : `${FAMILY_NAMES[family]} without a Skype plan: no workloads`;
  } else {
    workloads = [];
    reason =
      carried.length > 0
        ? `${FAMILY_NAMES[family]}: bundles ${corePlans.map((c) => c.plan).join(', ')} but is not a ${carried.join('/')} product — usage not measured`
        : `${FAMILY_NAMES[family]}: no workloads (usage not measured)`;
  }
  return {
    family,
    workloads,
    openWorkloads: workloads.filter((w) => w === 'YAM'),
    service: serviceOf(family, workloads),
    corePlans,
    reason,
  };
}

/** Service follows the decision: D365 for the Dynamics families, O365 with any workload, else OTHER. */
export function serviceOf(family: ProductFamily, workloads: readonly WorkloadCode[]): ServiceCode {
  if (family === 'dynamics' || family === 'dynamics-add-on') return 'D365';
  return workloads.some((w) => w !== 'D365') ? 'O365' : 'OTHER';
}
