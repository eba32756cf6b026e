import type { ClientConfig, EnterpriseConfig, UserConfig } from './types.js'

/** Port the server listens on by default (Osso's own local default). */
export const DEFAULT_PORT = 9292

/** `client_id` of the seeded demo client (Osso's `db/seeds.rb` value). */
export const DEMO_CLIENT_ID = 'demo-client-id'

/** `client_secret` of the seeded demo client. */
export const DEMO_CLIENT_SECRET = 'demo-client-secret'

/** `client_id` of the seeded second client, owner of `other-client.test`. */
export const OTHER_CLIENT_ID = 'other-client-id'

/** `client_secret` of the seeded second client. */
export const OTHER_CLIENT_SECRET = 'other-client-secret'

/**
 * Fixed ids of the seeded IdPs. The spec pins only `example`; the others are fixed too so
 * links, logs and tests stay the same from one run to the next.
 */
export const SEED_IDP_IDS = {
  /** `example.com`, Okta, ACTIVE, demo client. */
  example: '00000000-0000-4000-8000-000000000001',
  /** `multi-idp.test`, Okta, CONFIGURED, demo client. */
  multiOkta: '00000000-0000-4000-8000-000000000002',
  /** `multi-idp.test`, Azure, CONFIGURED, demo client. */
  multiAzure: '00000000-0000-4000-8000-000000000003',
  /** `pending.test`, OneLogin, PENDING, demo client. */
  pending: '00000000-0000-4000-8000-000000000004',
  /** `other-client.test`, Google, ACTIVE, other client. */
  otherClient: '00000000-0000-4000-8000-000000000005',
} as const

/** Email of the seeded user. */
export const SEED_USER_EMAIL = 'user@example.com'

/** Osso id of the seeded user; the same uid as PSA's `test_osso.py` fixture. */
export const SEED_USER_ID = 'f23611a5-2817-43e2-94b7-99b25235ad2d'

/** IdP-side id of the seeded user. */
export const SEED_USER_IDP_ID = '00u-user-example'

/** The seed's parts, as accepted by {@link OssoDevOptions}. */
export interface Seed {
  clients: ClientConfig[]
  enterprises: EnterpriseConfig[]
  users: UserConfig[]
}

/**
 * A fresh copy of the default seed (`reference/osso.md` §6.2): Osso's demo client plus the
 * accounts the conformance tests need. Spread it to add your own entities.
 *
 * @example
 * ```ts
 * const seed = defaultSeed()
 * createOssoDevServer({ clients: [...seed.clients, { name: 'Mine', clientId: 'a', clientSecret: 'b', redirectUris: ['http://localhost:4000/cb'] }] })
 * ```
 */
export function defaultSeed(): Seed {
  return {
    clients: [
      {
        name: 'Demo Production',
        clientId: DEMO_CLIENT_ID,
        clientSecret: DEMO_CLIENT_SECRET,
        redirectUris: [
          { uri: 'http://localhost:8000/complete/osso/', primary: true },
          'http://127.0.0.1:8000/complete/osso/',
          'http://localhost:3000/complete/osso/',
          'http://localhost:9292/health',
        ],
        // Test apps listen on random loopback ports; RFC 8252 §7.3 lets a server accept them.
        allowLoopbackAnyPort: true,
      },
      {
        name: 'Other Client',
        clientId: OTHER_CLIENT_ID,
        clientSecret: OTHER_CLIENT_SECRET,
        redirectUris: [{ uri: 'http://localhost:8000/complete/osso/', primary: true }],
      },
    ],
    enterprises: [
      {
        name: 'SaaS Co Customer',
        domain: 'example.com',
        identityProviders: [
          { id: SEED_IDP_IDS.example, service: 'OKTA', status: 'ACTIVE', clientId: DEMO_CLIENT_ID },
        ],
      },
      {
        name: 'Multi IdP Co',
        domain: 'multi-idp.test',
        identityProviders: [
          {
            id: SEED_IDP_IDS.multiOkta,
            service: 'OKTA',
            status: 'CONFIGURED',
            clientId: DEMO_CLIENT_ID,
          },
          {
            id: SEED_IDP_IDS.multiAzure,
            service: 'AZURE',
            status: 'CONFIGURED',
            clientId: DEMO_CLIENT_ID,
          },
        ],
      },
      {
        name: 'Pending Co',
        domain: 'pending.test',
        identityProviders: [
          {
            id: SEED_IDP_IDS.pending,
            service: 'ONELOGIN',
            status: 'PENDING',
            clientId: DEMO_CLIENT_ID,
          },
        ],
      },
      {
        name: 'Other Client Co',
        domain: 'other-client.test',
        identityProviders: [
          {
            id: SEED_IDP_IDS.otherClient,
            service: 'GOOGLE',
            status: 'ACTIVE',
            clientId: OTHER_CLIENT_ID,
          },
        ],
      },
    ],
    users: [
      {
        id: SEED_USER_ID,
        email: SEED_USER_EMAIL,
        idpId: SEED_USER_IDP_ID,
        identityProviderId: SEED_IDP_IDS.example,
      },
    ],
  }
}
