#!/usr/bin/env node
import { basename, relative } from 'node:path'
import { run } from './run.js'
import { readSettings } from './settings.js'

// Installed, the program is the `social-auth-cli` bin (a symlink, or on Windows a shim that runs
// the file inside node_modules); in this repository it is run as a file.
const script = process.argv[1] ?? 'social-auth-cli'
const installed = basename(script) === 'social-auth-cli' || /[\\/]node_modules[\\/]/.test(script)
const program = installed ? 'social-auth-cli' : `node ${relative(process.cwd(), script)}`

process.exitCode = await run(process.argv.slice(2), readSettings(), { program })
