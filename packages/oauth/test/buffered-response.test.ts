import { describe, expect, it } from '@jest/globals'
import { BufferedResponse } from '../src/buffered-response.js'

const INIT = { status: 200, statusText: 'OK', headers: { 'content-type': 'application/json' } }
const BYTES = Buffer.from('{"access_token":"at","n":1}')

/** The same answer as a BufferedResponse and as the platform's Response. */
const both = (): Response[] => [new BufferedResponse(BYTES, INIT), new Response(BYTES, INIT)]

/** What a call settles to: its value, or the error's class. */
async function outcome(run: () => unknown): Promise<unknown> {
  try {
    return { value: await run() }
  } catch (err) {
    return { threw: (err as Error).constructor.name }
  }
}

describe('BufferedResponse behaves as a Response over the same bytes', () => {
  it('is a Response, with its status and headers', () => {
    const response = new BufferedResponse(BYTES, INIT)
    expect(response).toBeInstanceOf(Response)
    expect(response.status).toBe(200)
    expect(response.ok).toBe(true)
    expect(response.headers.get('content-type')).toBe('application/json')
  })

  it.each([
    ['text, then text', ['text', 'text']],
    ['json, then arrayBuffer', ['json', 'arrayBuffer']],
    ['arrayBuffer, then blob', ['arrayBuffer', 'blob']],
    ['blob, then json', ['blob', 'json']],
    ['clone, then json on both', ['clone', 'json', 'clone']],
  ] as const)('%s', async (_label, calls) => {
    const results: unknown[][] = [[], []]
    for (const [index, response] of both().entries()) {
      for (const call of calls) {
        results[index]!.push(
          await outcome(async () => {
            if (call === 'clone') return await response.clone().json()
            if (call === 'blob') return (await response.blob()).size
            if (call === 'arrayBuffer') return Buffer.from(await response.arrayBuffer()).toString()
            return response[call]()
          }),
        )
      }
      results[index]!.push(response.bodyUsed)
    }
    expect(results[0]).toEqual(results[1])
  })

  it('gives a readable body stream, after which the fast paths are refused too', async () => {
    for (const response of both()) {
      const text = await new Response(response.body).text()
      expect(text).toBe(BYTES.toString())
      expect(response.bodyUsed).toBe(true)
      // Compared by name: the platform's errors come from another realm than jest's.
      expect(await outcome(() => response.text())).toEqual({ threw: 'TypeError' })
      expect(await outcome(() => response.clone())).toEqual({ threw: 'TypeError' })
    }
  })

  it('refuses to clone or read a used body, and has no body for a 204', async () => {
    const response = new BufferedResponse(BYTES, INIT)
    await response.json()
    expect(response.bodyUsed).toBe(true)
    expect(() => response.clone()).toThrow(TypeError)
    await expect(response.arrayBuffer()).rejects.toBeInstanceOf(TypeError)
    await expect(response.formData()).rejects.toBeInstanceOf(TypeError)
    const empty = new BufferedResponse(null, { status: 204 })
    expect(empty.body).toBeNull()
    expect(await empty.text()).toBe('')
  })

  it('rejects json() on a body that is not JSON, as Response does', async () => {
    for (const response of [
      new BufferedResponse(Buffer.from('<html>'), INIT),
      new Response('<html>', INIT),
    ]) {
      expect(await outcome(() => response.json())).toEqual({ threw: 'SyntaxError' })
    }
  })

  it('hands out a copy of its bytes, never the pool a Buffer sits in', async () => {
    const pooled = Buffer.from('abc') // small Buffers share an 8 KiB pool
    const bytes = await new BufferedResponse(pooled, INIT).arrayBuffer()
    expect(bytes.byteLength).toBe(3)
    expect(Buffer.from(bytes).toString()).toBe('abc')
  })
})
