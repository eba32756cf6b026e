import { defineSettings } from '@social-auth/core'

defineSettings({
  OSSO_BASE_URL: {
    type: 'string',
    default: 'https://demo.ossoapp.com',
    scope: 'backend',
    doc: 'The Osso instance (`SOCIAL_AUTH_OSSO_BASE_URL`).',
  },
  OSSO_ALLOW_IDP_INITIATED: {
    type: 'boolean',
    default: false,
    scope: 'backend',
    doc: 'Accept IdP-initiated logins (`state=IDP_INITIATED`); they cannot be CSRF-protected.',
  },
})
