#!/usr/bin/env node
// `npm run clearsocial` in this repository, or
// `node node_modules/@social-auth/storage-knex/dist/bin/clearsocial.js`: see clear-social-cli.ts.
import { clearSocialCli } from '../clear-social-cli.js'

// Exit as soon as it is done: a driver socket left half-open must not keep a cron job alive.
process.exit(await clearSocialCli(process.argv.slice(2)))
