/**
 * Migration 0012: booking's follow-ups (follow_up) become follow-up plans with one follow-up each, keeping their ids,
 * appointments, dates, states and texts; the 随访管理 menu entry points at the new page; down brings them back.
 * Run on a database of its own (MariaDB, or a SQLite file in embedded mode) migrated to 0010 and given old rows.
 * The texts, copied in clear by the migration, are then sealed (encrypted) by the module's start-up step.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mysql from 'mysql2/promise';
import { QueryTypes, Sequelize } from 'sequelize';
import { createMigrator } from '../../../db/migrator';
import { startStack, testMode } from '../../support/stack';
import { infra } from '../../../bff/src/infra';
import { sealLegacyFollowUps } from '../../../bff/src/modules/followup/legacy';

describe('migration 0012: old follow-ups become follow-up plans', function () {
  this.timeout(300_000);
  let seq: Sequelize;
  let cleanup: () => Promise<void>;

  before(async () => {
    await startStack(); // infra (the field key) for sealing
    if (testMode() === 'embedded') {
      const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'yiyun-mig-')), 'db.sqlite');
      seq = new Sequelize({ dialect: 'sqlite', storage: file, logging: false });
      cleanup = async () => {
        await seq.close();
        fs.rmSync(path.dirname(file), { recursive: true, force: true });
      };
    } else {
      const name = `yiyun_mig_${process.pid}_${crypto.randomBytes(3).toString('hex')}`;
      const admin = await mysql.createConnection({ host: '127.0.0.1', port: 3306, user: 'root', password: '' });
      await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4`);
      seq = new Sequelize(name, 'root', '', { host: '127.0.0.1', port: 3306, dialect: 'mysql', logging: false });
      cleanup = async () => {
        await seq.close();
        await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
        await admin.end();
      };
    }
  });
  after(async () => cleanup?.());

  const rows = <T extends object>(sql: string): Promise<T[]> => seq.query<T>(sql, { type: QueryTypes.SELECT });

  it('carries every old follow-up over, with its id, and back again on down', async () => {
    const migrator = createMigrator(seq);
    await migrator.up({ to: '0010-records.ts' });
    const qi = seq.getQueryInterface();
    const now = new Date();
    const appt = (id: number, doctor: number, dept: number, patient: number) => ({
      id,
      no: `MIG${id}`,
      user_id: 1,
      patient_id: patient,
      schedule_id: 1,
      doctor_id: doctor,
      dept_id: dept,
      seq_no: id,
      clinic_date: '2026-01-05',
      period: 'am',
      window_start: '08:00',
      window_end: '08:12',
      fee_fen: 0,
      status: 'visited',
      from_waitlist: false,
      created_at: now,
      updated_at: now,
    });
    await qi.bulkInsert('appointment', [appt(11, 7, 3, 21), appt(12, 8, 4, 22)]);
    await qi.bulkInsert('visit_record', [
      {
        id: 5,
        appointment_id: 11,
        patient_id: 21,
        doctor_id: 7,
        dept_id: 3,
        clinic_date: '2026-01-05',
        status: 'signed',
        version: 1,
        content_enc: 'x',
        created_at: now,
        updated_at: now,
      },
    ]);
    const fu = (id: number, appointmentId: number, planDate: string, status: string, result: string | null) => ({
      id,
      appointment_id: appointmentId,
      plan_date: planDate,
      content: `随访内容${id}`,
      result,
      status,
      created_by: 7,
      created_at: now,
      updated_at: now,
    });
    const future = new Date(Date.now() + 30 * 86400_000).toISOString().slice(0, 10);
    await qi.bulkInsert('follow_up', [
      fu(101, 11, '2026-01-12', 'done', '血压正常'),
      fu(102, 11, future, 'planned', null),
      fu(103, 12, '2026-01-19', 'planned', null), // its day has passed: overdue
      fu(104, 12, '2026-01-20', 'cancelled', null),
    ]);
    await qi.bulkInsert('sys_menu', [
      { name: '随访管理', type: 'M', component: 'booking/followup/index', created_at: now, updated_at: now },
    ]);

    await migrator.up();
    const plans = await rows<Record<string, unknown>>('SELECT * FROM followup_plan ORDER BY id');
    assert.deepEqual(
      plans.map((p) => [p.id, p.appointment_id, p.record_id, p.patient_id, p.doctor_id, p.dept_id, p.type, p.status]),
      [
        [101, 11, 5, 21, 7, 3, 'phone', 'active'],
        [102, 11, 5, 21, 7, 3, 'phone', 'active'],
        [103, 12, null, 22, 8, 4, 'phone', 'active'],
        [104, 12, null, 22, 8, 4, 'phone', 'cancelled'],
      ],
    );
    assert.deepEqual(
      plans.map((p) => p.legacy_content),
      ['随访内容101', '随访内容102', '随访内容103', '随访内容104'],
    );
    const tasks = await rows<Record<string, unknown>>('SELECT * FROM followup_task ORDER BY id');
    assert.deepEqual(
      tasks.map((t) => [t.id, t.plan_id, String(t.due_date).slice(0, 10), t.status, t.legacy_result, !!t.done_at]),
      [
        [101, 101, '2026-01-12', 'done', '血压正常', true],
        [102, 102, future, 'planned', null, false],
        [103, 103, '2026-01-19', 'overdue', null, false],
        [104, 104, '2026-01-20', 'cancelled', null, false],
      ],
    );
    assert.deepEqual(await rows<{ component: string }>('SELECT component FROM sys_menu'), [
      { component: 'followup/manage/index' },
    ]);
    await assert.rejects(rows('SELECT COUNT(*) FROM follow_up'), 'the old table is gone');

    // Down: the old table again, with the same rows (an overdue one is planned there).
    await migrator.down({ to: '0012-followup.ts' });
    const back = await rows<Record<string, unknown>>('SELECT * FROM follow_up ORDER BY id');
    assert.deepEqual(
      back.map((f) => [f.id, f.appointment_id, f.content, f.result, f.status]),
      [
        [101, 11, '随访内容101', '血压正常', 'done'],
        [102, 11, '随访内容102', null, 'planned'],
        [103, 12, '随访内容103', null, 'planned'],
        [104, 12, '随访内容104', null, 'cancelled'],
      ],
    );
    await migrator.up();
  });

  it('the start-up step encrypts the carried-over texts and clears the clear copies', async () => {
    assert.deepEqual(await sealLegacyFollowUps(seq), { plans: 4, tasks: 1 });
    const plans = await rows<{ id: number; content_enc: string; legacy_content: string | null }>(
      'SELECT id, content_enc, legacy_content FROM followup_plan ORDER BY id',
    );
    const { fieldCrypto } = infra();
    for (const p of plans) {
      assert.equal(p.legacy_content, null);
      assert.ok(!p.content_enc.includes('随访内容'));
      assert.equal(JSON.parse(fieldCrypto.decrypt(p.content_enc)), `随访内容${p.id}`);
    }
    const [t] = await rows<{ result_enc: string; legacy_result: string | null }>(
      'SELECT result_enc, legacy_result FROM followup_task WHERE id = 101',
    );
    assert.equal(t!.legacy_result, null);
    assert.equal(JSON.parse(fieldCrypto.decrypt(t!.result_enc)), '血压正常');
    assert.deepEqual(await sealLegacyFollowUps(seq), { plans: 0, tasks: 0 }, 'nothing left to seal');
  });
});
