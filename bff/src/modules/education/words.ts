import { Op, UniqueConstraintError, type WhereOptions } from 'sequelize';
import { tx } from '../../infra';
import { badRequest, conflict, notFound } from '../../http/errors';
import { SensitiveWord, type WordAction } from './models';
import { normalizeForMatch, wordsChanged } from './sensitive';

const view = (w: SensitiveWord) => ({ id: w.id, word: w.word, action: w.action, createdAt: w.createdAt });

export async function listWords(q: { page: number; pageSize: number; keyword?: string; action?: WordAction }) {
  const where: WhereOptions = {};
  if (q.keyword) Object.assign(where, { word: { [Op.like]: `%${q.keyword}%` } });
  if (q.action) Object.assign(where, { action: q.action });
  const { rows, count } = await SensitiveWord.findAndCountAll({
    where,
    order: [['id', 'DESC']],
    offset: (q.page - 1) * q.pageSize,
    limit: q.pageSize,
  });
  return { items: rows.map(view), total: count, page: q.page, pageSize: q.pageSize };
}

function checkWord(word: string) {
  if (!normalizeForMatch(word)) throw badRequest('INVALID_WORD', '关键词不能只有空格或标点');
}
const taken = (err: unknown) => {
  if (err instanceof UniqueConstraintError) throw conflict('WORD_TAKEN', '该关键词已存在');
  throw err;
};

export async function addWord(input: { word: string; action: WordAction }) {
  checkWord(input.word);
  const w = await SensitiveWord.create(input).catch(taken);
  await wordsChanged();
  return view(w);
}

export async function updateWord(id: number, input: { word: string; action: WordAction }) {
  checkWord(input.word);
  const w = await SensitiveWord.findByPk(id);
  if (!w) throw notFound('关键词不存在');
  await w.update(input).catch(taken);
  await wordsChanged();
  return view(w);
}

/** 批量删除: every word must exist, or none is deleted. */
export async function removeWords(ids: number[]) {
  const unique = [...new Set(ids)];
  await tx(async (t) => {
    if ((await SensitiveWord.count({ where: { id: unique }, transaction: t })) !== unique.length)
      throw notFound('关键词不存在');
    await SensitiveWord.destroy({ where: { id: unique }, transaction: t });
  });
  await wordsChanged();
  return { deleted: unique.length };
}

export async function removeWord(id: number) {
  if (!(await SensitiveWord.destroy({ where: { id } }))) throw notFound('关键词不存在');
  await wordsChanged();
}
