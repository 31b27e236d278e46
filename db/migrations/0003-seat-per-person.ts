import { DataTypes, QueryTypes, type QueryInterface } from 'sequelize';

// Written against QueryInterface and plain SQL that both MariaDB and SQLite (3.35+) understand. Columns are dropped
// with ALTER TABLE … DROP COLUMN: Sequelize's SQLite removeColumn rebuilds the table and loses its indexes.
const hash = { type: DataTypes.STRING(64), allowNull: true };

/**
 * Fills active_person from the family member's ID blind index for rows that hold a seat (or a waitlist place),
 * keeping only the oldest where one person already holds two in the same session: the unique index can't be
 * built over those, and the later one keeps its seat, just without the guard.
 */
async function backfillPerson(qi: QueryInterface, table: 'appointment' | 'waitlist_entry', live: string) {
  const sql = qi.sequelize;
  await sql.query(
    `UPDATE ${table} SET active_person = (SELECT p.id_card_hash FROM mp_patient p WHERE p.id = ${table}.patient_id) WHERE ${live}`,
  );
  const twice = await sql.query<{ schedule_id: number; active_person: string; keep: number }>(
    `SELECT schedule_id, active_person, MIN(id) AS keep FROM ${table} WHERE active_person IS NOT NULL GROUP BY schedule_id, active_person HAVING COUNT(*) > 1`,
    { type: QueryTypes.SELECT },
  );
  for (const d of twice) {
    await sql.query(
      `UPDATE ${table} SET active_person = NULL WHERE schedule_id = ? AND active_person = ? AND id <> ?`,
      { replacements: [d.schedule_id, d.active_person, d.keep] },
    );
  }
}

export async function up({ context: qi }: { context: QueryInterface }) {
  // Family members are soft-deleted: past appointments keep their patient's name, and the same ID added again
  // brings the row back (the unique (user_id, id_card_hash) index covers deleted rows too).
  await qi.addColumn('mp_patient', 'deleted_at', { type: DataTypes.DATE, allowNull: true });

  // One live booking (and one waitlist place) per PERSON and session: active_person is the ID blind index while
  // the row holds its seat, NULL once released. It replaces active_patient, which was per family-member row, so
  // the same ID number under a second account (or re-added after a delete) could take a second seat.
  await qi.addColumn('appointment', 'active_person', hash);
  await backfillPerson(qi, 'appointment', 'active_seq IS NOT NULL');
  await qi.removeIndex('appointment', 'appointment_person_once');
  await qi.addIndex('appointment', ['schedule_id', 'active_person'], { unique: true, name: 'appointment_person_once' });
  await qi.sequelize.query('ALTER TABLE appointment DROP COLUMN active_patient');

  await qi.addColumn('waitlist_entry', 'active_person', hash);
  await backfillPerson(qi, 'waitlist_entry', "status = 'waiting'");
  await qi.removeIndex('waitlist_entry', 'waitlist_person_once');
  await qi.addIndex('waitlist_entry', ['schedule_id', 'active_person'], { unique: true, name: 'waitlist_person_once' });
  await qi.sequelize.query('ALTER TABLE waitlist_entry DROP COLUMN active_patient');
}

export async function down({ context: qi }: { context: QueryInterface }) {
  for (const [table, index, live] of [
    ['appointment', 'appointment_person_once', 'active_seq IS NOT NULL'],
    ['waitlist_entry', 'waitlist_person_once', "status = 'waiting'"],
  ]) {
    await qi.addColumn(table, 'active_patient', { type: DataTypes.INTEGER, allowNull: true });
    await qi.sequelize.query(`UPDATE ${table} SET active_patient = patient_id WHERE ${live}`);
    await qi.removeIndex(table, index);
    await qi.sequelize.query(`ALTER TABLE ${table} DROP COLUMN active_person`);
    await qi.addIndex(table, ['schedule_id', 'active_patient'], { unique: true, name: index });
  }
  await qi.sequelize.query('ALTER TABLE mp_patient DROP COLUMN deleted_at');
}
