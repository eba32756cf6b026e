import { randomUUID } from 'node:crypto'

/** A post, owned by one workspace. */
export interface Post {
  readonly id: string
  readonly title: string
  readonly content: string
  readonly workspace_id: string
  readonly author_id: string
  readonly created_at: string
}

/** Who is acting: the post store only ever sees this, never a raw id from the request body. */
export interface Workspace {
  readonly tenantId: string | undefined
  readonly workspaceId: string
}

const MAX_POSTS_PER_WORKSPACE = 1000

/**
 * Posts in memory, partitioned by tenant and workspace: every read and write names the
 * caller's workspace, which comes from the verified token, so one workspace can neither see
 * nor change another's posts (the USSO guide's workspace isolation). Tenants partition too, so
 * two tenants using the same workspace name stay apart.
 */
export class PostStore {
  readonly #byWorkspace = new Map<string, Map<string, Post>>()

  #posts(where: Workspace): Map<string, Post> {
    const key = `${where.tenantId ?? ''}\u0000${where.workspaceId}`
    let posts = this.#byWorkspace.get(key)
    if (!posts) {
      posts = new Map()
      this.#byWorkspace.set(key, posts)
    }
    return posts
  }

  /** The workspace's posts, oldest first. */
  list(where: Workspace): Post[] {
    return [...this.#posts(where).values()]
  }

  /** Adds a post to the workspace; undefined when the workspace is full. */
  create(
    where: Workspace,
    authorId: string,
    input: { title: string; content: string },
  ): Post | undefined {
    const posts = this.#posts(where)
    if (posts.size >= MAX_POSTS_PER_WORKSPACE) return undefined
    const post: Post = {
      id: randomUUID(),
      title: input.title,
      content: input.content,
      workspace_id: where.workspaceId,
      author_id: authorId,
      created_at: new Date().toISOString(),
    }
    posts.set(post.id, post)
    return post
  }

  /** Deletes a post of the workspace; false when the workspace has no such post. */
  delete(where: Workspace, id: string): boolean {
    return this.#posts(where).delete(id)
  }
}
