// Starts a throwaway PostgreSQL cluster from the machine's binaries on a free loopback port.
// Used by `npm test` (one server for the whole run) and by PostgreSQL tests run on their own.
// The binaries refuse to run as root, so as root they run as the `postgres` user.
import { execFileSync, spawn } from 'node:child_process'
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

function binDir() {
  const root = '/usr/lib/postgresql'
  if (!existsSync(root)) throw new Error('PostgreSQL binaries not found under /usr/lib/postgresql')
  const versions = readdirSync(root).sort((a, b) => Number(b) - Number(a))
  for (const version of versions) {
    const dir = join(root, version, 'bin')
    if (existsSync(join(dir, 'initdb'))) return dir
  }
  throw new Error('initdb not found under /usr/lib/postgresql/*/bin')
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.unref()
    server.on('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address()
      server.close(() => resolve(port))
    })
  })
}

const asRoot = process.getuid?.() === 0
const run = (cmd, args, options = {}) =>
  asRoot
    ? execFileSync('runuser', ['-u', 'postgres', '--', cmd, ...args], options)
    : execFileSync(cmd, args, options)

/**
 * Starts a cluster; resolves to { url, stop() }. The database `social_auth` is created and the
 * `postgres` superuser trusts loopback connections (the cluster lives only for this run).
 */
export async function startPostgres() {
  const bin = binDir()
  const dir = mkdtempSync(join(tmpdir(), 'social-auth-pg-'))
  chmodSync(dir, 0o777)
  const data = join(dir, 'data')
  run(
    join(bin, 'initdb'),
    ['-D', data, '-U', 'postgres', '-A', 'trust', '--no-sync', '-E', 'UTF8'],
    { stdio: 'ignore' },
  )
  const port = await freePort()
  const args = [
    '-D',
    data,
    '-p',
    String(port),
    '-k',
    dir,
    '-c',
    'listen_addresses=127.0.0.1',
    '-c',
    'fsync=off',
    '-c',
    'synchronous_commit=off',
    '-c',
    'full_page_writes=off',
    '-c',
    'max_connections=200',
  ]
  const child = asRoot
    ? spawn('runuser', ['-u', 'postgres', '--', join(bin, 'postgres'), ...args], {
        stdio: 'ignore',
        detached: false,
      })
    : spawn(join(bin, 'postgres'), args, { stdio: 'ignore' })
  const deadline = Date.now() + 20_000
  for (;;) {
    try {
      run(join(bin, 'pg_isready'), ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres'], {
        stdio: 'ignore',
      })
      break
    } catch {
      if (Date.now() > deadline) throw new Error('PostgreSQL did not start within 20 s')
      await new Promise((r) => setTimeout(r, 100))
    }
  }
  run(
    join(bin, 'createdb'),
    ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', 'social_auth'],
    { stdio: 'ignore' },
  )
  let stopped = false
  return {
    url: `postgres://postgres@127.0.0.1:${port}/social_auth`,
    port,
    async stop() {
      if (stopped) return
      stopped = true
      // Stop the server itself: as root the child is `runuser`, which does not pass signals on.
      try {
        run(join(bin, 'pg_ctl'), ['-D', data, 'stop', '-m', 'immediate', '-w', '-t', '10'], {
          stdio: 'ignore',
        })
      } catch {
        child.kill('SIGKILL')
      }
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
