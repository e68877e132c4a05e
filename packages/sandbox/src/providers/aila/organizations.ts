import { AdminInputError } from '../../http/admin-input';
import { Accounts, checkText, type Account, type FieldNamer } from '../../support/accounts';
import { AILA_ORGANIZATION_ID } from './data';
import { AILA_DEMO_KEY, isAilaKey } from './keys';

/**
 * Aila organizations (an agency's clients on Aila), each reached by its own API key with its
 * own team, contacts, calls and webhook endpoints. Configuration, kept across reset(); their
 * data is the world's.
 */

/** How many organizations one sandbox holds, the default included. */
export const MAX_AILA_ORGANIZATIONS = 100;

export type AilaOrganization = Account;

/** A new organization, as the library option and the admin API give it (each field checked here). */
export interface NewAilaOrganization {
  name?: unknown;
  apiKey?: unknown;
  organizationId?: unknown;
}

export type OrganizationField = 'name' | 'apiKey' | 'organizationId';

const ID_SHAPE = /^org_[A-Za-z0-9]{1,40}$/;

export class AilaOrganizations extends Accounts<AilaOrganization> {
  constructor() {
    super(
      { what: 'Aila organization', plural: 'organizations', listRoute: 'GET /_sandbox/aila/organizations', max: MAX_AILA_ORGANIZATIONS },
      { id: AILA_ORGANIZATION_ID, name: 'Default organization', apiKey: AILA_DEMO_KEY },
    );
  }

  /** Checks everything first, so a refused organization leaves nothing behind. */
  create(input: NewAilaOrganization, name: FieldNamer<OrganizationField>): AilaOrganization {
    this.checkRoom();
    const n = this.size + 1;
    const id = input.organizationId === undefined ? this.freeId('org_sandbox', n) : checkText(input.organizationId, name('organizationId'), 44);
    if (!ID_SHAPE.test(id)) throw new AdminInputError(name('organizationId'), 'must be shaped org_… (letters and digits)');
    this.checkFreeId(id, name('organizationId'));
    const apiKey = input.apiKey === undefined ? this.freeKey(`aila_test_callbridge_${id}`) : checkText(input.apiKey, name('apiKey'), 200);
    if (!isAilaKey(apiKey)) throw new AdminInputError(name('apiKey'), 'must be shaped aila_… (letters, digits and _) and not contain "revoked"');
    this.checkFreeKey(apiKey, name('apiKey'));
    return this.add({ id, name: input.name === undefined ? `Organization ${n}` : checkText(input.name, name('name'), 100), apiKey });
  }
}

/** An organization as the library returns it. */
export interface AilaOrganizationInfo {
  id: string;
  name: string;
  apiKey: string;
}

export function organizationInfo(org: AilaOrganization): AilaOrganizationInfo {
  return { id: org.id, name: org.name, apiKey: org.apiKey };
}

/** An organization as the admin API shows it; the key is a sandbox key, shown like the demo keys. */
export function organizationJson(registry: AilaOrganizations, org: AilaOrganization): Record<string, unknown> {
  return { id: org.id, name: org.name, default: org === registry.default, api_key: org.apiKey };
}

const SNAKE: Readonly<Record<string, string | undefined>> = { apiKey: 'api_key', organizationId: 'organization_id' };
/** The admin API's field names. */
export const ORGANIZATION_ADMIN_FIELD: FieldNamer<OrganizationField> = (f) => SNAKE[f] ?? f;
