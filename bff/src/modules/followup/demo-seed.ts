import { User } from '../system/models';
import type { Question } from '../../shared/followup';
import { Questionnaire } from './models';

/** Two questionnaires of the demo hospital's 心血管内科, so the demo physician can plan a questionnaire at once. */
const DEMO: { title: string; description: string; questions: Question[] }[] = [
  {
    title: '高血压随访问卷',
    description: '请在早晨服药前测量血压后填写',
    questions: [
      { key: 'bp_sys', type: 'number', title: '今晨收缩压（高压）', required: true, min: 60, max: 260, unit: 'mmHg' },
      { key: 'bp_dia', type: 'number', title: '今晨舒张压（低压）', required: true, min: 30, max: 160, unit: 'mmHg' },
      {
        key: 'meds',
        type: 'single',
        title: '近一周是否按时服药',
        required: true,
        options: ['每天按时', '偶尔漏服', '经常漏服'],
      },
      {
        key: 'symptoms',
        type: 'multiple',
        title: '近一周有无以下不适',
        required: false,
        options: ['头晕', '头痛', '胸闷', '心悸', '下肢水肿'],
      },
      { key: 'note', type: 'text', title: '其他想告诉医生的情况', required: false },
    ],
  },
  {
    title: '门诊满意度与康复问卷',
    description: '',
    questions: [
      {
        key: 'better',
        type: 'single',
        title: '就诊后症状是否好转',
        required: true,
        options: ['明显好转', '略有好转', '无变化', '加重'],
      },
      { key: 'score', type: 'number', title: '对本次就诊的满意度（1–10 分）', required: true, min: 1, max: 10 },
      { key: 'note', type: 'text', title: '意见和建议', required: false },
    ],
  },
];

export async function seedDemoFollowup() {
  if ((await Questionnaire.count()) > 0) return;
  const doctor = await User.findOne({ where: { username: 'doctor' } });
  for (const q of DEMO)
    await Questionnaire.create({
      title: q.title,
      description: q.description || null,
      questions: JSON.stringify(q.questions),
      deptId: doctor?.deptId ?? null,
      createdBy: doctor?.id ?? 1,
      status: 'active',
    });
}
