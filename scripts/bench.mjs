#!/usr/bin/env node
// `npm run bench`: builds, then runs every bench/*.mjs in turn (or the ones named on the
// command line). Each bench writes its figures to bench/results/<name>.md.
import { execFileSync } from 'node:child_process'
import { readdirSync } from 'node:fs'

const root = new URL('..', import.meta.url).pathname
execFileSync(process.execPath, [`${root}node_modules/typescript/bin/tsc`, '-b'], {
  stdio: 'inherit',
  cwd: root,
})
const wanted = process.argv.slice(2)
const all = readdirSync(`${root}bench`)
  .filter((file) => file.endsWith('.mjs'))
  .sort()
const benches = all.filter(
  (file) => wanted.length === 0 || wanted.some((name) => file.includes(name)),
)
// A mistyped name (or a flag meant for one bench) must not pass as "all benches ran".
const unknown = wanted.filter((name) => !all.some((file) => file.includes(name)))
if (unknown.length > 0) {
  console.error(`no bench matches ${unknown.join(', ')}; the benches: ${all.join(', ')}`)
  console.error('flags go to a bench itself: node bench/login-bench.mjs --rounds=3')
  process.exit(2)
}
let failed = 0
for (const file of benches) {
  console.log(`\n› bench/${file}`)
  try {
    execFileSync(process.execPath, [`${root}bench/${file}`], { stdio: 'inherit', cwd: root })
  } catch {
    failed += 1
    console.error(`  bench/${file} failed`)
  }
}
process.exit(failed === 0 ? 0 : 1)
