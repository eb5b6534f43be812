/**
 * Microsoft Graph "Office 365 active user detail" report (getOffice365ActiveUserDetail, SPEC §3.2):
 * its exact headers, the internal column each maps to, and their types.
 */
import type { ColumnType, EntitySpec } from './canonical';
import type { WorkloadCode } from './codes';

export interface GraphColumn {
  readonly header: string;
  readonly name: string;
  readonly type: ColumnType;
  readonly required: boolean;
}

const date = { kind: 'date' } as const;
const bool = { kind: 'bool' } as const;
const text = { kind: 'text' } as const;

export const GRAPH_ACTIVE_USER_COLUMNS: readonly GraphColumn[] = [
  { header: 'Report Refresh Date', name: 'refresh_date', type: date, required: true },
  { header: 'User Principal Name', name: 'upn', type: { kind: 'id' }, required: true },
  { header: 'Display Name', name: 'display_name', type: text, required: false },
  { header: 'Is Deleted', name: 'is_deleted', type: bool, required: true },
  { header: 'Deleted Date', name: 'deleted_date', type: date, required: false },
  { header: 'Has Exchange License', name: 'has_exo', type: bool, required: false },
  { header: 'Has OneDrive License', name: 'has_od', type: bool, required: false },
  { header: 'Has SharePoint License', name: 'has_sp', type: bool, required: false },
  { header: 'Has Skype For Business License', name: 'has_sfb', type: bool, required: false },
  { header: 'Has Yammer License', name: 'has_yam', type: bool, required: false },
  { header: 'Has Teams License', name: 'has_teams', type: bool, required: false },
  { header: 'Exchange Last Activity Date', name: 'last_exo', type: date, required: false },
  { header: 'OneDrive Last Activity Date', name: 'last_od', type: date, required: false },
  { header: 'SharePoint Last Activity Date', name: 'last_sp', type: date, required: false },
  { header: 'Skype For Business Last Activity Date', name: 'last_sfb', type: date, required: false },
  { header: 'Yammer Last Activity Date', name: 'last_yam', type: date, required: false },
  { header: 'Teams Last Activity Date', name: 'last_teams', type: date, required: false },
  { header: 'Exchange License Assign Date', name: 'assign_exo', type: date, required: false },
  { header: 'OneDrive License Assign Date', name: 'assign_od', type: date, required: false },
  { header: 'SharePoint License Assign Date', name: 'assign_sp', type: date, required: false },
  { header: 'Skype For Business License Assign Date', name: 'assign_sfb', type: date, required: false },
  { header: 'Yammer License Assign Date', name: 'assign_yam', type: date, required: false },
  { header: 'Teams License Assign Date', name: 'assign_teams', type: date, required: false },
  { header: 'Assigned Products', name: 'assigned_products', type: text, required: false },
];

/** Which workload each report activity column counts for (OneDrive is SharePoint: SPEC §2). */
export const GRAPH_ACTIVITY_COLUMNS: readonly { readonly name: string; readonly workload: WorkloadCode }[] = [
  { name: 'last_exo', workload: 'EXO' },
  { name: 'last_od', workload: 'SPO' },
  { name: 'last_sp', workload: 'SPO' },
  { name: 'last_sfb', workload: 'SFB' },
  { name: 'last_yam', workload: 'YAM' },
  { name: 'last_teams', workload: 'TEAMS' },
];

/**
 * Workloads a Graph active-user report of 28 days or more measures on its refresh date (SPEC §2.3):
 * the report has no Office apps or Dynamics columns.
 */
export const GRAPH_MEASURED_WORKLOADS: readonly WorkloadCode[] = ['EXO', 'SPO', 'SFB', 'YAM', 'TEAMS'];

/** Report periods of getOffice365ActiveUserDetail, in days. A period under 28 days measures nothing. */
export const GRAPH_REPORT_PERIODS = { D7: 7, D30: 30, D90: 90, D180: 180 } as const;
export type GraphReportPeriod = keyof typeof GRAPH_REPORT_PERIODS;

/** License assign-date columns per workload, used to seed assignment intervals. */
export const GRAPH_ASSIGN_COLUMNS: readonly { readonly name: string; readonly workload: WorkloadCode }[] = [
  { name: 'assign_exo', workload: 'EXO' },
  { name: 'assign_od', workload: 'SPO' },
  { name: 'assign_sp', workload: 'SPO' },
  { name: 'assign_sfb', workload: 'SFB' },
  { name: 'assign_yam', workload: 'YAM' },
  { name: 'assign_teams', workload: 'TEAMS' },
];

/** A user principal name concealed by the tenant's report privacy setting: 32 hex characters. */
export const CONCEALED_UPN = /^[0-9A-Fa-f]{32}$/;

/** The report as a spec the store validates like a canonical file (one row per user principal name). */
export const GRAPH_ACTIVE_USERS_SPEC: EntitySpec = {
  entity: 'graph_active_users',
  description: 'Microsoft Graph Office 365 active user detail report',
  key: ['upn'],
  columns: GRAPH_ACTIVE_USER_COLUMNS.map((c) => ({
    name: c.name,
    type: c.type,
    required: c.required,
    description: c.header,
  })),
};
