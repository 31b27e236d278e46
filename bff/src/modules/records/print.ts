import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import PDFDocument from 'pdfkit';
import type { AdminActor, MpActor } from '../../http/actor';
import { conflict, notFound } from '../../http/errors';
import { auditRead, type ReadOrigin } from '../../kernel/audit';
import { Appointment } from '../booking/models';
import { Dept } from '../system/models';
import { FREQUENCY_LABEL } from '../../shared/records';
import { shanghaiDate } from '../../shared/time';
import { ownPatient } from './access';
import { VisitRecord, VisitRecordVersion } from './models';
import { recordView, visibleRecord } from './service';

// ---------------------------------------------------------------------------------------------------------------
// The CJK font: Noto Sans SC (Noto Sans Hans, SIL Open Font License 1.1), installed with the project by the npm
// package @embedpdf/fonts-sc — never fetched at run time. pdfkit embeds only the glyphs a document uses, so a
// printed record is tens of kilobytes. Read once per process.

/**
 * The package's font folder, looked up the way Node looks up the package (node_modules from here upwards): its
 * exports name only an ES entry, which neither require.resolve nor every loader that runs this file can use.
 */
function fontDir() {
  const lookup = createRequire(import.meta.url).resolve.paths('@embedpdf/fonts-sc') ?? [];
  for (const base of lookup) {
    const dir = path.join(base, '@embedpdf', 'fonts-sc', 'fonts');
    if (fs.existsSync(path.join(dir, 'NotoSansHans-Regular.otf'))) return dir;
  }
  throw new Error('the CJK font package @embedpdf/fonts-sc is not installed (npm ci installs it)');
}

let fonts: { regular: Buffer; bold: Buffer } | undefined;
function cjkFonts() {
  if (!fonts) {
    const dir = fontDir();
    fonts = {
      regular: fs.readFileSync(path.join(dir, 'NotoSansHans-Regular.otf')),
      bold: fs.readFileSync(path.join(dir, 'NotoSansHans-Bold.otf')),
    };
  }
  return fonts;
}

type View = Awaited<ReturnType<typeof recordView>>;
type Doc = PDFKit.PDFDocument;

const GENDER: Record<string, string> = { M: '男', F: '女' };
const MM = 72 / 25.4;

function newDoc(size: 'A4' | 'A5', title: string, author: string) {
  const doc = new PDFDocument({
    size,
    margins: { top: 14 * MM, bottom: 14 * MM, left: 14 * MM, right: 14 * MM },
    info: { Title: title, Author: author, Creator: '医云 Yiyun' },
    bufferPages: true,
  });
  const f = cjkFonts();
  doc.registerFont('cjk', f.regular);
  doc.registerFont('cjk-bold', f.bold);
  doc.font('cjk');
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  return { doc, done };
}

const width = (doc: Doc) => doc.page.width - doc.page.margins.left - doc.page.margins.right;
const left = (doc: Doc) => doc.page.margins.left;

function rule(doc: Doc, weight = 0.8) {
  const y = doc.y + 2;
  doc
    .moveTo(left(doc), y)
    .lineTo(left(doc) + width(doc), y)
    .lineWidth(weight)
    .stroke('#000');
  doc.y = y + 6;
}

function heading(doc: Doc, institution: string, title: string) {
  doc
    .font('cjk-bold')
    .fontSize(16)
    .text(institution, left(doc), doc.y, { width: width(doc), align: 'center' });
  doc.moveDown(0.2);
  doc.fontSize(14).text(title, { width: width(doc), align: 'center', characterSpacing: 6 });
  doc.font('cjk').fontSize(10);
  doc.moveDown(0.6);
}

/** A row of "label：value" pairs spread across the width. */
function fieldRow(doc: Doc, pairs: [string, string][]) {
  const y = doc.y;
  const w = width(doc) / pairs.length;
  let h = 0;
  pairs.forEach(([label, value], i) => {
    doc
      .font('cjk')
      .fontSize(10)
      .text(`${label}：${value}`, left(doc) + i * w, y, { width: w - 6 });
    h = Math.max(h, doc.y - y);
  });
  doc.x = left(doc);
  doc.y = y + h + 2;
}

/** A labelled paragraph of the record (主诉：…). Empty sections print 无 so nothing reads as cut off. */
function section(doc: Doc, label: string, body: string) {
  doc.x = left(doc);
  doc
    .font('cjk-bold')
    .fontSize(10.5)
    .text(`${label}：`, { continued: true })
    .font('cjk')
    .text(body.trim() || '无', { width: width(doc), lineGap: 2 });
  doc.moveDown(0.35);
}

function footerPages(doc: Doc, note: string) {
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    const bottom = doc.page.height - doc.page.margins.bottom + 4;
    // Writing inside the bottom margin must not open a new page.
    const margin = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    doc
      .font('cjk')
      .fontSize(8)
      .fillColor('#555')
      .text(`${note}\u3000第 ${i + 1} 页 / 共 ${range.count} 页`, left(doc), bottom, {
        width: width(doc),
        align: 'center',
        lineBreak: false,
      });
    doc.page.margins.bottom = margin;
    doc.fillColor('#000');
  }
}

const drugLine = (i: View['prescription']['items'][number]) => `${i.name}\u3000${i.spec}`;
const sigLine = (i: View['prescription']['items'][number]) =>
  `用法：${i.route}\u3000每次 ${i.dose}${i.unit}\u3000${FREQUENCY_LABEL[i.frequency]}（${i.frequency}）\u3000${i.days} 天` +
  (i.note ? `\u3000${i.note}` : '');

/** 门诊病历: the usual outpatient record layout of Chinese hospitals, A4. */
export function renderRecordPdf(v: View, ctx: PrintContext): Promise<Buffer> {
  const { doc, done } = newDoc('A4', `门诊病历 ${v.clinicDate}`, ctx.institution);
  heading(doc, ctx.institution, '门 诊 病 历');
  fieldRow(doc, [
    ['姓名', v.patientName],
    ['性别', GENDER[v.patientGender ?? ''] ?? '—'],
    ['年龄', v.patientAge == null ? '—' : `${v.patientAge}岁`],
    ['科别', v.deptName],
  ]);
  fieldRow(doc, [
    ['就诊日期', v.clinicDate],
    ['门诊号', ctx.visitNo],
    ['病历号', String(v.id).padStart(8, '0')],
    ['版本', v.version > 1 ? `第 ${v.version} 版（修订）` : `第 ${v.version} 版`],
  ]);
  rule(doc);
  const c = v.content;
  section(doc, '主诉', c.chiefComplaint);
  section(doc, '现病史', c.presentIllness);
  section(
    doc,
    '过敏史',
    v.allergies.map((a) => `${a.substance}${a.reaction ? `（${a.reaction}）` : ''}`).join('、') || '否认',
  );
  section(doc, '体格检查', c.examination);
  section(doc, '检查检验', c.orders);
  section(doc, '诊断', c.diagnoses.map((d, i) => `${i + 1}. ${d.name}（${d.code}）`).join('\u3000'));
  section(doc, '处理意见', c.plan);
  if (v.prescription.items.length)
    section(
      doc,
      '处方',
      v.prescription.items
        .map((i, n) => `${n + 1}. ${drugLine(i)}\u3000共 ${i.quantity}${i.unit}，${sigLine(i)}`)
        .join('\n'),
    );
  section(doc, '医嘱建议', c.advice);
  doc.moveDown(1);
  rule(doc, 0.5);
  doc
    .font('cjk')
    .fontSize(10.5)
    .text(`医师签名：${ctx.signedBy}\u3000\u3000签名时间：${ctx.signedAt}`, left(doc), doc.y, {
      width: width(doc),
      align: 'right',
    });
  footerPages(doc, `${ctx.institution} · 门诊病历 · 打印于 ${ctx.printedAt}`);
  doc.end();
  return done;
}

/** 处方笺: A5, 普通处方 (white), with institution, department, patient, diagnosis, the Rp list and the physician. */
export function renderPrescriptionPdf(v: View, ctx: PrintContext): Promise<Buffer> {
  const { doc, done } = newDoc('A5', `处方笺 ${v.clinicDate}`, ctx.institution);
  // The prescription's kind, boxed at the top right as on the printed forms.
  const boxW = 34;
  doc
    .rect(doc.page.width - doc.page.margins.right - boxW, doc.page.margins.top - 6, boxW, 18)
    .lineWidth(0.8)
    .stroke();
  doc
    .font('cjk-bold')
    .fontSize(10)
    .text('普通', doc.page.width - doc.page.margins.right - boxW, doc.page.margins.top - 3, {
      width: boxW,
      align: 'center',
    });
  doc.y = doc.page.margins.top;
  heading(doc, ctx.institution, '处 方 笺');
  fieldRow(doc, [
    ['费别', '自费'],
    ['开具日期', v.clinicDate],
    ['NO', `RX${String(v.id).padStart(8, '0')}`],
  ]);
  rule(doc);
  fieldRow(doc, [
    ['姓名', v.patientName],
    ['性别', GENDER[v.patientGender ?? ''] ?? '—'],
    ['年龄', v.patientAge == null ? '—' : `${v.patientAge}岁`],
  ]);
  fieldRow(doc, [
    ['科别', v.deptName],
    ['门诊号', ctx.visitNo],
  ]);
  doc.x = left(doc);
  doc
    .font('cjk')
    .fontSize(10)
    .text(`临床诊断：${v.content.diagnoses.map((d) => d.name).join('；') || '—'}`, { width: width(doc) });
  if (v.allergies.length) doc.text(`过敏史：${v.allergies.map((a) => a.substance).join('、')}`, { width: width(doc) });
  rule(doc);
  doc.font('cjk-bold').fontSize(18).text('Rp', left(doc), doc.y);
  doc.moveDown(0.2);
  v.prescription.items.forEach((i, n) => {
    const y = doc.y;
    doc
      .font('cjk-bold')
      .fontSize(10.5)
      .text(`${n + 1}. ${drugLine(i)}`, left(doc) + 10, y, { width: width(doc) - 90 });
    const after = doc.y;
    doc.font('cjk').text(`× ${i.quantity}${i.unit}`, left(doc) + width(doc) - 80, y, { width: 80, align: 'right' });
    doc.y = Math.max(after, doc.y);
    doc
      .font('cjk')
      .fontSize(9.5)
      .text(sigLine(i), left(doc) + 24, doc.y, { width: width(doc) - 24 });
    doc.moveDown(0.5);
  });
  doc.x = left(doc);
  doc
    .font('cjk')
    .fontSize(9)
    .fillColor('#555')
    .text('（以下空白）', { width: width(doc), align: 'center' });
  doc.fillColor('#000');
  // The signatures block sits at the foot of the form, or under the list when the list is long.
  const block = 64;
  if (doc.y + 12 + block > doc.page.height - doc.page.margins.bottom) doc.addPage();
  doc.y = doc.page.height - doc.page.margins.bottom - block;
  rule(doc);
  fieldRow(doc, [
    ['医师', ctx.signedBy],
    ['审核药师', ''],
    ['金额', ''],
  ]);
  fieldRow(doc, [
    ['调配药师', ''],
    ['核对发药', ''],
    ['', ''],
  ]);
  doc
    .font('cjk')
    .fontSize(9)
    .text(`医师签名时间：${ctx.signedAt}`, left(doc), doc.y, { width: width(doc), align: 'right' });
  footerPages(doc, `${ctx.institution} · 处方笺 · 本处方当日有效`);
  doc.end();
  return done;
}

// ---------------------------------------------------------------------------------------------------------------
// What a print shows besides the record: the institution, the visit number, who signed the printed version.

interface PrintContext {
  institution: string;
  visitNo: string;
  signedBy: string;
  signedAt: string;
  printedAt: string;
}

const stamp = (d: Date) =>
  `${shanghaiDate(d)} ${new Intl.DateTimeFormat('zh-CN', {
    timeZone: 'Asia/Shanghai',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
  }).format(d)}`;

/** The institution is the root of the department's tree (a medical alliance is a forest of them). */
async function institutionOf(deptId: number) {
  const d = await Dept.findByPk(deptId, { attributes: ['id', 'path', 'name'] });
  const rootId = Number(d?.path.split(',').find(Boolean));
  const root = rootId ? await Dept.findByPk(rootId, { attributes: ['name'] }) : null;
  return root?.name ?? d?.name ?? '医云';
}

async function printContext(r: VisitRecord): Promise<PrintContext> {
  const [institution, appt, last] = await Promise.all([
    institutionOf(r.deptId),
    Appointment.findByPk(r.appointmentId, { attributes: ['no'] }),
    VisitRecordVersion.findOne({ where: { recordId: r.id, version: r.version } }),
  ]);
  return {
    institution,
    visitNo: appt?.no ?? String(r.appointmentId),
    signedBy: last?.signedByName ?? '—',
    signedAt: last ? stamp(last.createdAt) : '—',
    printedAt: stamp(new Date()),
  };
}

/** Only a signed record is a document: a draft is the physician's working copy and is not printed. */
async function signedForPrint(actor: AdminActor, id: number) {
  const r = await visibleRecord(actor, id);
  if (r.status !== 'signed') throw conflict('RECORD_NOT_SIGNED', '病历签名后才能打印');
  return r;
}

export async function printRecord(actor: AdminActor, id: number, from: ReadOrigin) {
  const r = await signedForPrint(actor, id);
  const [view, ctx] = await Promise.all([recordView(r), printContext(r)]);
  await auditRead(actor, {
    ...from,
    what: 'records.visit.print',
    patientId: r.patientId,
    subjectType: 'visit_record',
    subjectId: r.id,
  });
  return { filename: `门诊病历-${r.id}.pdf`, pdf: await renderRecordPdf(view, ctx) };
}

export async function printPrescription(actor: AdminActor, id: number, from: ReadOrigin) {
  const r = await signedForPrint(actor, id);
  const [view, ctx] = await Promise.all([recordView(r), printContext(r)]);
  if (!view.prescription.items.length) throw conflict('NOT_PRINTABLE', '该次就诊没有开具处方');
  await auditRead(actor, {
    ...from,
    what: 'records.prescription.print',
    patientId: r.patientId,
    subjectType: 'prescription',
    subjectId: r.id,
  });
  return { filename: `处方笺-${r.id}.pdf`, pdf: await renderPrescriptionPdf(view, ctx) };
}

// ---------------------------------------------------------------------------------------------------------------
// The patient's copy (mini-program): the same documents, of a signed visit of one of their own family members.
// Anything else — a draft, another account's patient, no such visit — is 404, so nothing tells whether it exists.

async function mySignedRecord(actor: MpActor, id: number) {
  const r = await VisitRecord.findOne({ where: { id, status: 'signed' } });
  if (!r) throw notFound('病历不存在');
  await ownPatient(actor, r.patientId).catch(() => {
    throw notFound('病历不存在');
  });
  return r;
}

export async function myRecordPdf(actor: MpActor, id: number) {
  const r = await mySignedRecord(actor, id);
  const [view, ctx] = await Promise.all([recordView(r), printContext(r)]);
  return { filename: `门诊病历-${r.id}.pdf`, pdf: await renderRecordPdf(view, ctx) };
}

export async function myPrescriptionPdf(actor: MpActor, id: number) {
  const r = await mySignedRecord(actor, id);
  const [view, ctx] = await Promise.all([recordView(r), printContext(r)]);
  if (!view.prescription.items.length) throw conflict('NOT_PRINTABLE', '该次就诊没有开具处方');
  return { filename: `处方笺-${r.id}.pdf`, pdf: await renderPrescriptionPdf(view, ctx) };
}
