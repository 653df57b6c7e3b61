import { openDatabase } from './index.ts';
const db = await openDatabase({ migrate: true });
await db.close();
