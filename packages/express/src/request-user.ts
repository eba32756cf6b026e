import type { User as SocialUser } from '@social-auth/core'

// `req.user` is the logged-in user, loaded through the storage on each request. Declared the
// way @types/passport does (an `Express.User` interface), so both packages can coexist.
declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    // eslint-disable-next-line @typescript-eslint/no-empty-object-type
    interface User extends SocialUser {}
    interface Request {
      user?: User | undefined
    }
  }
}

export {}
