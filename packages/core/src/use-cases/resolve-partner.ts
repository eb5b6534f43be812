/**
 * Use-case: the partner a command acts for. Named (flag, environment or configuration file): that
 * one, which reading commands require to exist. Not named: the store's only partner; with several
 * the error names them, with none a reading command says there is no data yet and an import
 * starts the partner "default". An import never falls back to the demo partner: its data would
 * be mixed into the demo, and the next `insights demo --import` (which replaces the demo) would
 * delete it.
 */
import { AppError } from '../errors';
import type { Store } from '../store/store';
import { DEMO_PARTNER_ID } from './generate-demo';

/** The partner of a first import when none is named. */
export const DEFAULT_PARTNER_ID = 'default';

const HOW_TO_NAME = 'with --partner <id> (or env LI_PARTNER, or "partnerId" in insights.config.json)';

export async function resolvePartner(
  store: Store,
  named: string | undefined,
  purpose: 'read' | 'write',
): Promise<string> {
  const partners = await store.partnerIds();
  const list = partners.join(', ');
  if (named !== undefined) {
    if (purpose === 'write' || partners.includes(named)) return named;
    if (partners.length === 0) throw noData(store);
    throw new AppError(
      'not_found',
      `no partner ${JSON.stringify(named)} in the store ${store.location}; partners: ${list}`,
    );
  }
  const [only, second] = partners;
  if (only === undefined) {
    if (purpose === 'write') return DEFAULT_PARTNER_ID;
    throw noData(store);
  }
  if (second !== undefined) {
    throw new AppError(
      'usage.invalid_argument',
      `the store ${store.location} holds several partners (${list}): choose one ${HOW_TO_NAME}`,
    );
  }
  if (purpose === 'write' && only === DEMO_PARTNER_ID) {
    throw new AppError(
      'usage.invalid_argument',
      `the store ${store.location} holds only the demo portfolio (partner "${DEMO_PARTNER_ID}"): name the partner these files belong to ${HOW_TO_NAME}, e.g. your Partner Center id. That keeps them apart from the demo, which the next \`insights demo --import\` replaces (--partner ${DEMO_PARTNER_ID} adds them to it)`,
    );
  }
  return only;
}

function noData(store: Store): AppError {
  return new AppError(
    'not_found',
    `the store ${store.location} holds no data yet: import some (insights import <files>) or try the demo (insights demo --import)`,
  );
}
