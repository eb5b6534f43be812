/**
 * Who may do what (SPEC §5): the three Partner Center roles, the rights each holds, staff accounts
 * with an optional customer scope, API tokens, sign-in links, and the requests and responses of the
 * use-cases that manage them. Browser-safe: the server, the CLI and the web app share it.
 */
import { z } from 'zod';

/** Partner Center's role names (SPEC §1): one staff account may hold several (union of rights). */
export const ROLES = ['admin_agent', 'sales_agent', 'user_admin'] as const;
export const roleSchema = z.enum(ROLES, { error: `must be one of ${ROLES.join(', ')}` });
export type Role = z.infer<typeof roleSchema>;

export const ROLE_NAMES: Readonly<Record<Role, string>> = {
  admin_agent: 'Admin agent',
  sales_agent: 'Sales agent',
  user_admin: 'User management admin',
};

/**
 * Rights, one per row of SPEC §5's table. `read_aggregates` covers portfolio, customer analytics,
 * recommendations and the support metric; `manage_data` covers imports, computes, settings,
 * thresholds, exclusions and catalog overrides.
 */
export const RIGHTS = [
  'read_aggregates',
  'export_aggregates',
  'read_subscriptions',
  'read_user_lists',
  'manage_data',
  'manage_staff',
  'read_audit',
] as const;
export const rightSchema = z.enum(RIGHTS);
export type Right = z.infer<typeof rightSchema>;

/** SPEC §5, exactly. */
export const ROLE_RIGHTS: Readonly<Record<Role, readonly Right[]>> = {
  admin_agent: [
    'read_aggregates',
    'export_aggregates',
    'read_subscriptions',
    'read_user_lists',
    'manage_data',
    'read_audit',
  ],
  sales_agent: ['read_aggregates', 'export_aggregates', 'read_subscriptions'],
  user_admin: ['read_aggregates', 'export_aggregates', 'manage_staff', 'read_audit'],
};

/** The union of the roles' rights. */
export function rightsOf(roles: readonly Role[]): Set<Right> {
  return new Set(roles.flatMap((r) => ROLE_RIGHTS[r]));
}

const rolesSchema = z
  .array(roleSchema)
  .min(1, 'must hold at least one role')
  .transform((roles) => ROLES.filter((r) => roles.includes(r)));

/**
 * The customers a staff account may see: all of the partner's (null), or those listed and those in
 * the listed groups.
 */
export const customerScopeSchema = z
  .object({
    customers: z.array(z.string().min(1)).readonly(),
    groups: z.array(z.string().min(1)).readonly(),
  })
  .nullable();
export type CustomerScope = z.infer<typeof customerScopeSchema>;

/** Whether a customer (its id and groups) is in a scope. */
export function inCustomerScope(
  scope: CustomerScope,
  customer: { readonly customerId: string; readonly groups: readonly string[] },
): boolean {
  if (scope === null) return true;
  return (
    scope.customers.includes(customer.customerId) || customer.groups.some((g) => scope.groups.includes(g))
  );
}

const emailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .max(254)
  .regex(/^[^\s@]+@[^\s@]+$/, 'must be an e-mail address (name@example.com)');

export const staffAccountSchema = z.object({
  accountId: z.string(),
  email: z.string(),
  displayName: z.string().nullable(),
  roles: z.array(roleSchema).readonly(),
  scope: customerScopeSchema,
  disabled: z.boolean(),
  /** Whether a password is set (never the password or its hash). */
  hasPassword: z.boolean(),
  /** Linked OpenID Connect identity (issuer and subject), if any. */
  oidcSubject: z.string().nullable(),
  createdAt: z.string(),
  lastSignInAt: z.string().nullable(),
});
export type StaffAccount = z.infer<typeof staffAccountSchema>;

export const addStaffAccountRequestSchema = z.object({
  email: emailSchema,
  displayName: z.string().trim().min(1).max(200).optional(),
  roles: rolesSchema,
  scope: customerScopeSchema.default(null),
});
export type AddStaffAccountRequest = z.input<typeof addStaffAccountRequestSchema>;

export const updateStaffAccountRequestSchema = z.object({
  roles: rolesSchema.optional(),
  scope: customerScopeSchema.optional(),
  disabled: z.boolean().optional(),
  displayName: z.string().trim().min(1).max(200).optional(),
});
export type UpdateStaffAccountRequest = z.input<typeof updateStaffAccountRequestSchema>;

/** A one-time, short-lived sign-in link (first start, `insights users link`, the demo). */
export const signInLinkSchema = z.object({
  url: z.string(),
  email: z.string(),
  expiresAt: z.string(),
});
export type SignInLink = z.infer<typeof signInLinkSchema>;

export const apiTokenSchema = z.object({
  tokenId: z.string(),
  name: z.string(),
  accountId: z.string(),
  /** The creator's e-mail. */
  createdBy: z.string(),
  roles: z.array(roleSchema).readonly(),
  scope: customerScopeSchema,
  createdAt: z.string(),
  expiresAt: z.string(),
  revokedAt: z.string().nullable(),
  lastUsedAt: z.string().nullable(),
});
export type ApiToken = z.infer<typeof apiTokenSchema>;

export const createApiTokenRequestSchema = z.object({
  name: z.string().trim().min(1, 'must name the token (what it is for)').max(200),
  /** Default: the creator's roles. Never wider than the creator's. */
  roles: rolesSchema.optional(),
  /** Days until it expires (1 … 366). */
  expiresInDays: z.number().int().min(1).max(366).default(90),
});
export type CreateApiTokenRequest = z.input<typeof createApiTokenRequestSchema>;

/** The token's secret is shown once, in this response only; the store keeps its hash. */
export const createdApiTokenSchema = z.object({ token: apiTokenSchema, secret: z.string() });
export type CreatedApiToken = z.infer<typeof createdApiTokenSchema>;

/** Who is signed in, as the server sees the caller. */
export const principalSchema = z.object({
  partnerId: z.string(),
  accountId: z.string(),
  email: z.string(),
  displayName: z.string().nullable(),
  roles: z.array(roleSchema).readonly(),
  rights: z.array(rightSchema).readonly(),
  scope: customerScopeSchema,
  /** How the caller proved who it is. */
  via: z.enum(['session', 'token', 'local']),
});
export type Principal = z.infer<typeof principalSchema>;

export const passwordSignInRequestSchema = z.object({
  email: emailSchema,
  password: z.string().min(1).max(1024),
});

/** Passwords: at least 12 characters (NIST SP 800-63B), at most 1024. */
export const newPasswordSchema = z
  .string()
  .min(12, 'must be at least 12 characters')
  .max(1024, 'must be at most 1024 characters');

// ---- The local operator's staff requests (`insights users`, `insights tokens` while a server
// holds the data directory): the same requests as above, with the partner the command acts for
// and the account named by e-mail or id, as the commands name them.

const localPartnerSchema = z.string().min(1).describe('The partner whose staff the command manages');
const accountRefSchema = z.string().min(1).max(1000).describe('The staff account’s e-mail or id');

export const localStaffListRequestSchema = z.object({ partnerId: localPartnerSchema });
export type LocalStaffListRequest = z.infer<typeof localStaffListRequestSchema>;

export const localStaffAddRequestSchema = z.object({
  partnerId: localPartnerSchema,
  account: addStaffAccountRequestSchema,
});
export type LocalStaffAddRequest = z.input<typeof localStaffAddRequestSchema>;

export const localStaffUpdateRequestSchema = z.object({
  partnerId: localPartnerSchema,
  account: accountRefSchema,
  change: updateStaffAccountRequestSchema,
});
export type LocalStaffUpdateRequest = z.input<typeof localStaffUpdateRequestSchema>;

export const localStaffLinkRequestSchema = z.object({
  partnerId: localPartnerSchema,
  account: accountRefSchema,
});
export type LocalStaffLinkRequest = z.infer<typeof localStaffLinkRequestSchema>;

export const localTokenCreateRequestSchema = z.object({
  partnerId: localPartnerSchema,
  account: accountRefSchema,
  token: createApiTokenRequestSchema,
});
export type LocalTokenCreateRequest = z.input<typeof localTokenCreateRequestSchema>;

export const localTokenListRequestSchema = z.object({ partnerId: localPartnerSchema });
export type LocalTokenListRequest = z.infer<typeof localTokenListRequestSchema>;

export const localTokenRevokeRequestSchema = z.object({
  partnerId: localPartnerSchema,
  tokenId: z.string().min(1).max(100).describe('The token’s id (not its secret)'),
});
export type LocalTokenRevokeRequest = z.infer<typeof localTokenRevokeRequestSchema>;

export const localTokenRevokeResponseSchema = z.object({ tokenId: z.string(), revoked: z.literal(true) });
export type LocalTokenRevokeResponse = z.infer<typeof localTokenRevokeResponseSchema>;
