import { Op, type WhereOptions } from 'sequelize';
import type { AdminActor } from '../../http/actor';
import { notFound } from '../../http/errors';
import { dataScopeWhere } from '../system/authz';
import type { Question } from '../../shared/followup';
import { Questionnaire, parseQuestions } from './models';

type Body = { title: string; description: string | null; questions: Question[] };

export const questionnaireView = (q: Questionnaire) => ({
  id: q.id,
  title: q.title,
  description: q.description,
  questions: parseQuestions(q.questions),
  deptId: q.deptId,
  createdBy: q.createdBy,
  status: q.status,
  updatedAt: q.updatedAt,
});

/**
 * Questionnaires are the institution's forms, not patient data: every holder of the list permission sees them all
 * (to send one). Changing one is for its author and those whose data scope covers the author's department.
 */
function editableWhere(actor: AdminActor): WhereOptions {
  if (actor.scope.all) return {};
  return { [Op.or]: [{ createdBy: actor.userId }, dataScopeWhere(actor, { dept: 'deptId', user: 'createdBy' })] };
}

export async function listQuestionnaires(q: {
  page: number;
  pageSize: number;
  keyword?: string;
  status?: 'active' | 'disabled';
}) {
  const where: WhereOptions = {
    ...(q.keyword ? { title: { [Op.like]: `%${q.keyword}%` } } : {}),
    ...(q.status ? { status: q.status } : {}),
  };
  const { rows, count } = await Questionnaire.findAndCountAll({
    where,
    order: [['id', 'DESC']],
    offset: (q.page - 1) * q.pageSize,
    limit: q.pageSize,
  });
  return { items: rows.map(questionnaireView), total: count, page: q.page, pageSize: q.pageSize };
}

export async function getQuestionnaire(id: number) {
  const q = await Questionnaire.findByPk(id);
  if (!q) throw notFound('问卷不存在');
  return questionnaireView(q);
}

export async function createQuestionnaire(actor: AdminActor, body: Body) {
  const q = await Questionnaire.create({
    title: body.title,
    description: body.description,
    questions: JSON.stringify(body.questions),
    deptId: actor.deptId,
    createdBy: actor.userId,
    status: 'active',
  });
  return questionnaireView(q);
}

async function editable(actor: AdminActor, id: number) {
  const q = await Questionnaire.findOne({ where: { [Op.and]: [{ id }, editableWhere(actor)] } });
  if (!q) throw notFound('问卷不存在或不在您的数据范围内');
  return q;
}

/** A change applies to follow-ups planned from now on: each planned follow-up keeps the questions it was sent with. */
export async function updateQuestionnaire(actor: AdminActor, id: number, body: Body) {
  const q = await editable(actor, id);
  await q.update({ title: body.title, description: body.description, questions: JSON.stringify(body.questions) });
  return questionnaireView(q);
}

export async function setQuestionnaireStatus(actor: AdminActor, id: number, status: 'active' | 'disabled') {
  const q = await editable(actor, id);
  await q.update({ status });
  return questionnaireView(q);
}
