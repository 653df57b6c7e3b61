import type { Db } from './store.ts';
import type { IdentityKind, Prisma } from '@switchboard/db';

const withIdentities = { identities: { orderBy: { createdAt: 'asc' } } } as const;

export type ContactRow = NonNullable<Awaited<ReturnType<typeof contactsRepo.get>>>;

export const contactsRepo = {
  get: (db: Db, workspaceId: string, id: string) =>
    db.contact.findFirst({ where: { workspaceId, id }, include: withIdentities }),
  /** Keyset page ordered by (updatedAt desc, id desc); optional case-insensitive search. */
  list: (
    db: Db,
    workspaceId: string,
    opts: { limit: number; after?: { updatedAt: Date; id: string }; q?: string; ids?: string[] },
  ) =>
    db.contact.findMany({
      where: {
        workspaceId,
        ...(opts.ids ? { id: { in: opts.ids } } : {}),
        ...(opts.q
          ? {
              OR: [
                { name: { contains: opts.q, mode: 'insensitive' } },
                { company: { contains: opts.q, mode: 'insensitive' } },
                { identities: { some: { address: { contains: opts.q.toLowerCase() } } } },
              ],
            }
          : {}),
        ...(opts.after
          ? {
              OR: [
                { updatedAt: { lt: opts.after.updatedAt } },
                { updatedAt: opts.after.updatedAt, id: { lt: opts.after.id } },
              ],
            }
          : {}),
      },
      include: withIdentities,
      orderBy: [{ updatedAt: 'desc' }, { id: 'desc' }],
      take: opts.limit,
    }),
  create: (
    db: Db,
    data: { workspaceId: string; name?: string | null; company?: string | null; attributes?: Prisma.InputJsonValue },
  ) => db.contact.create({ data }),
  update: (
    db: Db,
    workspaceId: string,
    id: string,
    data: { name?: string | null; company?: string | null; attributes?: Prisma.InputJsonValue },
  ) => db.contact.update({ where: { id, workspaceId }, data, include: withIdentities }),
  findIdentities: (db: Db, workspaceId: string, keys: Array<{ kind: IdentityKind; address: string }>) =>
    keys.length === 0
      ? Promise.resolve([])
      : db.contactIdentity.findMany({ where: { workspaceId, OR: keys.map((k) => ({ kind: k.kind, address: k.address })) } }),
  addIdentities: (
    db: Db,
    workspaceId: string,
    contactId: string,
    identities: Array<{ kind: IdentityKind; address: string; verified: boolean }>,
    opts: { strict?: boolean } = {},
  ) =>
    identities.length === 0
      ? Promise.resolve({ count: 0 })
      : db.contactIdentity.createMany({
          data: identities.map((i) => ({ workspaceId, contactId, ...i })),
          // strict: a taken address raises a unique violation instead of being skipped.
          skipDuplicates: !opts.strict,
        }),
  deleteIdentity: (db: Db, workspaceId: string, contactId: string, id: string) =>
    db.contactIdentity.deleteMany({ where: { workspaceId, contactId, id } }),
};
