/**
 * The `Response` {@link httpFetch} answers with. Its body is already in memory (provider
 * answers are read in full, capped), so `text()`, `json()` and `arrayBuffer()` read the bytes
 * directly. Node's own `Response` would first wrap them in a web stream, which costs more than
 * openid-client's whole handling of a token answer. Anything else (`body`, `blob()`,
 * `formData()`, a clone once a stream exists) goes through a real `Response` over the same
 * bytes, made once on demand, so the Fetch semantics hold: a body is read once, and a used
 * body can neither be read again nor cloned.
 */
export class BufferedResponse extends Response {
  readonly #bytes: Uint8Array | null
  #real: Response | undefined
  #used = false

  /** `bytes` null: a null-body status (204, 304). */
  constructor(bytes: Uint8Array | null, init: ResponseInit) {
    super(null, init)
    this.#bytes = bytes
  }

  /** The real Response over the same bytes, for what is read the slow way. */
  #realResponse(): Response {
    this.#real ??= new Response(this.#bytes, {
      status: this.status,
      statusText: this.statusText,
      headers: this.headers,
    })
    return this.#real
  }

  /** The bytes, once: a second read fails as Fetch's does. */
  #take(): Uint8Array {
    if (this.#used) throw unusable()
    this.#used = true
    return this.#bytes ?? new Uint8Array(0)
  }

  // The platform types declare Body's members as properties, which a class cannot override
  // with methods or accessors: they are defined on the prototype here instead.
  static {
    const members: Record<string, PropertyDescriptor> = {
      text: {
        value(this: BufferedResponse): Promise<string> {
          if (this.#real) return this.#real.text()
          return settle(() => utf8.decode(this.#take()))
        },
      },
      json: {
        async value(this: BufferedResponse): Promise<unknown> {
          return JSON.parse(await this.text()) as unknown
        },
      },
      arrayBuffer: {
        value(this: BufferedResponse): Promise<ArrayBuffer> {
          if (this.#real) return this.#real.arrayBuffer()
          return settle(() => {
            const bytes = this.#take()
            // A copy of just these bytes (a Buffer may sit in a larger shared pool).
            return new Uint8Array(bytes).buffer
          })
        },
      },
      blob: {
        value(this: BufferedResponse): Promise<Blob> {
          return this.#used ? Promise.reject(unusable()) : this.#realResponse().blob()
        },
      },
      formData: {
        value(this: BufferedResponse): Promise<FormData> {
          return this.#used ? Promise.reject(unusable()) : this.#realResponse().formData()
        },
      },
      clone: {
        value(this: BufferedResponse): Response {
          if (this.#used) throw unusable()
          if (this.#real) return this.#real.clone()
          return new BufferedResponse(this.#bytes, {
            status: this.status,
            statusText: this.statusText,
            headers: this.headers,
          })
        },
      },
      body: {
        get(this: BufferedResponse): ReadableStream<Uint8Array> | null {
          if (this.#bytes === null) return null
          // Read already: what a consumed Response's stream would give, nothing.
          if (this.#used) return new Response(new Uint8Array(0)).body
          return this.#realResponse().body
        },
      },
      bodyUsed: {
        get(this: BufferedResponse): boolean {
          return this.#used || (this.#real?.bodyUsed ?? false)
        },
      },
    }
    for (const descriptor of Object.values(members)) descriptor.configurable = true
    Object.defineProperties(BufferedResponse.prototype, members)
  }
}

const utf8 = new TextDecoder()
const unusable = (): TypeError => new TypeError('Body is unusable: Body has already been read')

/** A promise of `read()`, rejected (never thrown) when it throws. */
function settle<T>(read: () => T): Promise<T> {
  try {
    return Promise.resolve(read())
  } catch (err) {
    return Promise.reject(err instanceof Error ? err : new TypeError(String(err)))
  }
}
