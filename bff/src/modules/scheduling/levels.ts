import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';
import { DoctorProfile } from '../system/models';

/** The hospital's 号别. A doctor's 号别 (doctor_profile.level) prices every session scheduled for them. */
export const LEVEL_CODES = ['ordinary', 'expert', 'special'] as const;
export type LevelCode = (typeof LEVEL_CODES)[number];

export class ClinicLevel extends Model<InferAttributes<ClinicLevel>, InferCreationAttributes<ClinicLevel>> {
  declare code: LevelCode;
  declare name: string;
  declare feeFen: number;
  declare orderNum: number;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
}

export function initLevelModels(sequelize: Sequelize) {
  ClinicLevel.init(
    {
      code: { type: DataTypes.STRING(16), primaryKey: true },
      name: { type: DataTypes.STRING(16), allowNull: false },
      feeFen: { type: DataTypes.INTEGER, allowNull: false },
      orderNum: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
      createdAt: DataTypes.DATE,
      updatedAt: DataTypes.DATE,
    },
    { sequelize, tableName: 'clinic_level', underscored: true },
  );
}

/** Reference data: the three 号别 with a starting fee each (an administrator sets the hospital's own). */
const DEFAULT_LEVELS: { code: LevelCode; name: string; feeFen: number }[] = [
  { code: 'ordinary', name: '普通号', feeFen: 2500 },
  { code: 'expert', name: '专家号', feeFen: 5000 },
  { code: 'special', name: '特需号', feeFen: 30000 },
];

/** Base seed: adds a missing 号别, never touches a fee an administrator set. */
export async function seedLevels() {
  const have = new Set((await ClinicLevel.findAll({ attributes: ['code'] })).map((l) => l.code));
  for (const [i, l] of DEFAULT_LEVELS.entries())
    if (!have.has(l.code)) await ClinicLevel.create({ ...l, orderNum: i + 1 });
}

export async function listLevels() {
  return (await ClinicLevel.findAll({ order: [['orderNum', 'ASC']] })).map((l) => ({
    code: l.code,
    name: l.name,
    feeFen: l.feeFen,
  }));
}

/** The fee a session of this doctor costs: their 号别's, or null when no 号别 is set (the session's own fee stands). */
export async function levelFeeOf(doctorId: number): Promise<number | null> {
  const p = await DoctorProfile.findByPk(doctorId, { attributes: ['level'], raw: true });
  if (!p?.level) return null;
  return (await ClinicLevel.findByPk(p.level, { attributes: ['feeFen'], raw: true }))?.feeFen ?? null;
}

/** The fee of each doctor's 号别 (doctors without one are absent). */
export async function levelFees(doctorIds: number[]): Promise<Map<number, number>> {
  if (!doctorIds.length) return new Map();
  const [profiles, levels] = await Promise.all([
    DoctorProfile.findAll({ where: { userId: doctorIds }, attributes: ['userId', 'level'], raw: true }),
    ClinicLevel.findAll({ attributes: ['code', 'feeFen'], raw: true }),
  ]);
  const fee = new Map(levels.map((l) => [l.code as string, l.feeFen]));
  const out = new Map<number, number>();
  for (const p of profiles) if (p.level && fee.has(p.level)) out.set(p.userId, fee.get(p.level)!);
  return out;
}
