/**
 * Use-case: the partner a command acts for. Named (flag, environment or configuration file): that
 * one, which reading commands require to exist. Not named: the store's only partner; with several
 * the error names them, with none a reading command says there is no data yet and an import
 * starts the partner "default". An import never falls back to the demo partner: its data would
 * be mixed into the demo, and the next `insights demo --import` (which replaces the demo) would
 * delete it. Staff accounts (`insights users`, `insights tokens`) belong to the named partner
 * whether or not the store holds data of it yet, else to the store's only one (the demo's too: its
 * server's staff), else to "default" (the partner `insights serve` starts with).
 */
import { AppError, hinted } from '../errors';
import type { Store } from '../store/store';
import { DEMO_PARTNER_ID } from './generate-demo';

/** The partner of a first import when none is named. */
export const DEFAULT_PARTNER_ID = 'default';

export async function resolvePartner(
  store: Store,
  named: string | undefined,
  purpose: 'read' | 'write' | 'staff',
): Promise<string> {
  const partners = await store.partnerIds();
  const list = partners.join(', ');
  if (named !== undefined) {
    if (purpose !== 'read' || partners.includes(named)) return named;
    if (partners.length === 0) throw noData(store);
    throw new AppError(
      'not_found',
      `no partner ${JSON.stringify(named)} in the store ${store.location}; partners: ${list}`,
    );
  }
  const [only, second] = partners;
  if (only === undefined) {
    if (purpose !== 'read') return DEFAULT_PARTNER_ID;
    throw noData(store);
  }
  if (second !== undefined) {
    throw hinted('usage.invalid_argument', `the store ${store.location} holds several partners (${list})`, {
      kind: 'choose_partner',
    });
  }
  if (purpose === 'write' && only === DEMO_PARTNER_ID) {
    throw hinted(
      'usage.invalid_argument',
      `the store ${store.location} holds only the demo portfolio (partner "${DEMO_PARTNER_ID}"), which the next demo import replaces`,
      { kind: 'name_import_partner', demoPartnerId: DEMO_PARTNER_ID },
    );
  }
  return only;
}

function noData(store: Store): AppError {
  return hinted('not_found', `the store ${store.location} holds no data yet`, { kind: 'import_data' });
}
