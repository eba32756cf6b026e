import { spawn } from 'node:child_process'

/**
 * Opens a URL in the user's browser (xdg-open, open or start). Failing that, the caller has
 * already printed the URL, so a failure is not an error.
 */
export function openBrowser(url: string): void {
  const [command, args] =
    process.platform === 'darwin'
      ? ['open', [url]]
      : process.platform === 'win32'
        ? ['cmd', ['/c', 'start', '', url]]
        : ['xdg-open', [url]]
  try {
    const child = spawn(command, args, { stdio: 'ignore', detached: true })
    child.on('error', () => {})
    child.unref()
  } catch {
    // No opener on this machine: the printed URL is the way.
  }
}
