import { Op, UniqueConstraintError, type WhereOptions } from 'sequelize';
import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';
import type { AdminActor } from '../../http/actor';
import { conflict, forbidden, notFound } from '../../http/errors';
import { Dept, User } from '../system/models';
import { VisitRecord } from './models';
import { authoredRecord, codedContent, open, seal } from './service';
import type { RecordContentInput, RecordContentView } from './schemas';

/**
 * 病历模板: a department's wording for a common visit (上呼吸道感染, 高血压复诊 …) that a physician applies to a draft.
 * A template holds no patient's data, so its content is plain JSON. Kept by those with the edit permission for the
 * departments of their data scope; read by everyone of the department (and of the scope).
 */
export class VisitTemplate extends Model<InferAttributes<VisitTemplate>, InferCreationAttributes<VisitTemplate>> {
  declare id: CreationOptional<number>;
  declare deptId: number;
  declare name: string;
  declare content: string;
  declare createdBy: number;
  declare updatedBy: number;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
}

export function initTemplateModels(sequelize: Sequelize) {
  VisitTemplate.init(
    {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      deptId: { type: DataTypes.INTEGER, allowNull: false },
      name: { type: DataTypes.STRING(64), allowNull: false },
      content: { type: DataTypes.TEXT, allowNull: false },
      createdBy: { type: DataTypes.INTEGER, allowNull: false },
      updatedBy: { type: DataTypes.INTEGER, allowNull: false },
      createdAt: DataTypes.DATE,
      updatedAt: DataTypes.DATE,
    },
    { sequelize, tableName: 'visit_template', underscored: true },
  );
}

/** Departments whose templates the actor reads: their own, and those of their data scope (all: every one). */
function readableWhere(actor: AdminActor): WhereOptions {
  if (actor.scope.all) return {};
  const ids = [...new Set([...actor.scope.deptIds, ...(actor.deptId ? [actor.deptId] : [])])];
  return { deptId: { [Op.in]: ids } };
}

/** Only departments of the actor's data scope are theirs to keep templates for. */
function assertWritableDept(actor: AdminActor, deptId: number) {
  if (!actor.scope.all && !actor.scope.deptIds.includes(deptId))
    throw forbidden('OUT_OF_SCOPE', '只能维护您数据范围内科室的病历模板');
}

async function views(rows: VisitTemplate[]) {
  const [depts, users] = await Promise.all([
    Dept.findAll({ where: { id: [...new Set(rows.map((r) => r.deptId))] }, attributes: ['id', 'name'] }),
    User.findAll({ where: { id: [...new Set(rows.map((r) => r.updatedBy))] }, attributes: ['id', 'name'] }),
  ]);
  const d = new Map(depts.map((x) => [x.id, x.name]));
  const u = new Map(users.map((x) => [x.id, x.name]));
  return rows.map((r) => ({
    id: r.id,
    deptId: r.deptId,
    deptName: d.get(r.deptId) ?? '—',
    name: r.name,
    content: JSON.parse(r.content) as RecordContentView,
    updatedByName: u.get(r.updatedBy) ?? '—',
    updatedAt: r.updatedAt,
  }));
}

export async function listTemplates(
  actor: AdminActor,
  q: { page: number; pageSize: number; deptId?: number; keyword?: string },
) {
  const where: WhereOptions[] = [readableWhere(actor)];
  if (q.deptId) where.push({ deptId: q.deptId });
  if (q.keyword) where.push({ name: { [Op.like]: `%${q.keyword.replace(/[\\%_]/g, (c) => `\\${c}`)}%` } });
  const { rows, count } = await VisitTemplate.findAndCountAll({
    where: { [Op.and]: where },
    order: [
      ['deptId', 'ASC'],
      ['name', 'ASC'],
    ],
    offset: (q.page - 1) * q.pageSize,
    limit: q.pageSize,
  });
  return { items: await views(rows), total: count, page: q.page, pageSize: q.pageSize };
}

async function readable(actor: AdminActor, id: number) {
  const t = await VisitTemplate.findOne({ where: { [Op.and]: [{ id }, readableWhere(actor)] } });
  if (!t) throw notFound('模板不存在');
  return t;
}

const nameTaken = (e: unknown) => {
  if (e instanceof UniqueConstraintError) throw conflict('TEMPLATE_NAME_TAKEN', '本科室已有同名模板');
  throw e;
};

export async function createTemplate(
  actor: AdminActor,
  input: { deptId: number; name: string; content: RecordContentInput },
) {
  assertWritableDept(actor, input.deptId);
  const dept = await Dept.findByPk(input.deptId, { attributes: ['id'] });
  if (!dept) throw notFound('科室不存在');
  const content = await codedContent(input.content);
  const row = await VisitTemplate.create({
    deptId: input.deptId,
    name: input.name,
    content: JSON.stringify(content),
    createdBy: actor.userId,
    updatedBy: actor.userId,
  }).catch(nameTaken);
  return (await views([row]))[0];
}

export async function updateTemplate(
  actor: AdminActor,
  id: number,
  input: { name: string; content: RecordContentInput },
) {
  const row = await readable(actor, id);
  assertWritableDept(actor, row.deptId);
  const content = await codedContent(input.content);
  await row.update({ name: input.name, content: JSON.stringify(content), updatedBy: actor.userId }).catch(nameTaken);
  return (await views([row]))[0];
}

export async function deleteTemplate(actor: AdminActor, id: number) {
  const row = await readable(actor, id);
  assertWritableDept(actor, row.deptId);
  await row.destroy();
}

const TEXT_FIELDS = ['chiefComplaint', 'presentIllness', 'examination', 'orders', 'plan', 'advice'] as const;

/**
 * Applies a template to the physician's own draft: what the physician has written stays; empty fields take the
 * template's wording, and the template's diagnoses are added to those already chosen.
 */
export async function applyTemplate(actor: AdminActor, recordId: number, templateId: number) {
  const t = await readable(actor, templateId);
  const r = await authoredRecord(actor, recordId);
  const tpl = JSON.parse(t.content) as RecordContentView;
  if (r.status !== 'draft') throw conflict('RECORD_SIGNED', '病历已签名，不能套用模板');
  const cur = open<RecordContentView>(r.contentEnc);
  const merged: RecordContentInput = {
    ...cur,
    diagnoses: [...cur.diagnoses, ...tpl.diagnoses.filter((d) => !cur.diagnoses.some((c) => c.code === d.code))]
      .slice(0, 20)
      .map((d) => ({ code: d.code })),
  };
  for (const k of TEXT_FIELDS) if (!cur[k].trim()) merged[k] = tpl[k];
  const content = await codedContent(merged);
  // Conditional on the record still being a draft: a signature in between wins, and the template is refused.
  const [n] = await VisitRecord.update({ contentEnc: seal(content) }, { where: { id: r.id, status: 'draft' } });
  if (!n) throw conflict('RECORD_SIGNED', '病历已签名，不能套用模板');
  await r.reload();
  return { id: r.id, status: r.status, version: r.version, updatedAt: r.updatedAt, content };
}
