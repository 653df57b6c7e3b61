import type { TestDatabase } from '@switchboard/db/testing';

let seq = 0;

/**
 * An honest storage failure: while `during` runs, the database refuses to store an inbound message whose text is
 * `text` (a trigger raises, as a full disk or a lost connection would fail the transaction). The webhook that
 * carries it is answered 5xx, as a provider then sees it.
 */
export async function refusingMessage<T>(db: TestDatabase, text: string, during: () => Promise<T>): Promise<T> {
  const name = `sb_refuse_${++seq}`;
  const literal = `'${text.replace(/'/g, "''")}'`;
  await db.prisma.$executeRawUnsafe(`CREATE FUNCTION ${name}() RETURNS trigger AS $$ BEGIN IF NEW.text = ${literal} THEN RAISE EXCEPTION 'disk full (test)'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql`);
  await db.prisma.$executeRawUnsafe(`CREATE TRIGGER ${name} BEFORE INSERT ON "Message" FOR EACH ROW EXECUTE FUNCTION ${name}()`);
  try {
    return await during();
  } finally {
    await db.prisma.$executeRawUnsafe(`DROP TRIGGER ${name} ON "Message"`);
    await db.prisma.$executeRawUnsafe(`DROP FUNCTION ${name}()`);
  }
}
