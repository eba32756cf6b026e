import type { Response } from 'express'

/**
 * The part of an Express response the guard uses when it refuses: `status(...).set(...).json()`.
 * `onAnswer` hears the status the refusal was sent with.
 */
export function fakeResponse(onAnswer: (status: number) => void): Response {
  let status = 200
  const res = {
    headersSent: false,
    status(code: number) {
      status = code
      return res
    },
    set: () => res,
    json() {
      onAnswer(status)
      return res
    },
  }
  return res as unknown as Response
}
