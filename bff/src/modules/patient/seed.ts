import { seedDicts, type DictSeed } from '../system/seed';

/** The dictionary of how a family member (就诊人) relates to the WeChat user. */
export const PATIENT_DICTS: DictSeed[] = [
  {
    type: 'mp_patient_relation',
    name: '就诊人关系',
    items: [
      ['本人', 'self'],
      ['配偶', 'spouse'],
      ['父母', 'parent'],
      ['子女', 'child'],
      ['兄弟姐妹', 'sibling'],
      ['其他', 'other'],
    ],
  },
];

/** Patient's reference data, on an installation's first start only (as system's: an administrator owns it then). */
export async function seedPatientBase({ fresh }: { fresh: boolean }) {
  if (fresh) await seedDicts(PATIENT_DICTS);
}
