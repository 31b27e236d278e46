import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';
import type { FollowupStatus, FollowupType, Question } from '../../shared/followup';

/** A questionnaire built in the console from question types; reference data, not patient data (stored in clear). */
export class Questionnaire extends Model<InferAttributes<Questionnaire>, InferCreationAttributes<Questionnaire>> {
  declare id: CreationOptional<number>;
  declare title: string;
  declare description: string | null;
  /** JSON Question[] */
  declare questions: string;
  /** The author's department: who besides the author may change it follows data scope over it. */
  declare deptId: number | null;
  declare createdBy: number;
  declare status: 'active' | 'disabled';
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
}

/**
 * 随访计划, made from a visit (an appointment, with its visit record when there is one): what kind, what about, and
 * when — dates or a rule, expanded into one FollowupTask per date. contentEnc is encrypted (clinical text).
 */
export class FollowupPlan extends Model<InferAttributes<FollowupPlan>, InferCreationAttributes<FollowupPlan>> {
  declare id: CreationOptional<number>;
  declare appointmentId: number;
  declare recordId: number | null;
  declare patientId: number;
  declare doctorId: number;
  declare deptId: number;
  declare type: FollowupType;
  declare questionnaireId: number | null;
  /** How the dates were given, in words (每 30 天，共 6 个月 / 指定日期). */
  declare schedule: string;
  declare contentEnc: string | null;
  /** A follow-up of the old model (booking's follow_up) in clear until the module seals it at start (seedBase). */
  declare legacyContent: CreationOptional<string | null>;
  declare status: 'active' | 'cancelled';
  declare createdBy: number;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
}

/** One follow-up of a plan on one day: due → done (a result, or the patient's answers), or overdue, or cancelled. */
export class FollowupTask extends Model<InferAttributes<FollowupTask>, InferCreationAttributes<FollowupTask>> {
  declare id: CreationOptional<number>;
  declare planId: number;
  declare appointmentId: number;
  declare patientId: number;
  declare doctorId: number;
  declare deptId: number;
  declare type: FollowupType;
  declare dueDate: string;
  declare status: FollowupStatus;
  /** The questionnaire as it was when planned (JSON Question[]): later edits never change what was sent. */
  declare questions: string | null;
  declare questionnaireTitle: string | null;
  declare answersEnc: CreationOptional<string | null>;
  declare answeredAt: CreationOptional<Date | null>;
  declare resultEnc: CreationOptional<string | null>;
  declare legacyResult: CreationOptional<string | null>;
  declare doneAt: CreationOptional<Date | null>;
  declare doneBy: CreationOptional<number | null>;
  declare remindedAt: CreationOptional<Date | null>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
}

export const parseQuestions = (s: string | null): Question[] => (s ? (JSON.parse(s) as Question[]) : []);

const id = () => ({ type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true });
const int = () => ({ type: DataTypes.INTEGER, allowNull: false });
const str = (n: number) => ({ type: DataTypes.STRING(n), allowNull: false });

export function initFollowupModels(sequelize: Sequelize) {
  Questionnaire.init(
    {
      id: id(),
      title: str(100),
      description: DataTypes.STRING(500),
      questions: { type: DataTypes.TEXT, allowNull: false },
      deptId: DataTypes.INTEGER,
      createdBy: int(),
      status: str(16),
      createdAt: DataTypes.DATE,
      updatedAt: DataTypes.DATE,
    },
    { sequelize, tableName: 'followup_questionnaire', underscored: true },
  );
  FollowupPlan.init(
    {
      id: id(),
      appointmentId: int(),
      recordId: DataTypes.INTEGER,
      patientId: int(),
      doctorId: int(),
      deptId: int(),
      type: str(16),
      questionnaireId: DataTypes.INTEGER,
      schedule: str(100),
      contentEnc: DataTypes.TEXT,
      legacyContent: DataTypes.TEXT,
      status: str(16),
      createdBy: int(),
      createdAt: DataTypes.DATE,
      updatedAt: DataTypes.DATE,
    },
    { sequelize, tableName: 'followup_plan', underscored: true },
  );
  FollowupTask.init(
    {
      id: id(),
      planId: int(),
      appointmentId: int(),
      patientId: int(),
      doctorId: int(),
      deptId: int(),
      type: str(16),
      dueDate: { type: DataTypes.DATEONLY, allowNull: false },
      status: str(16),
      questions: DataTypes.TEXT,
      questionnaireTitle: DataTypes.STRING(100),
      answersEnc: DataTypes.TEXT,
      answeredAt: DataTypes.DATE,
      resultEnc: DataTypes.TEXT,
      legacyResult: DataTypes.TEXT,
      doneAt: DataTypes.DATE,
      doneBy: DataTypes.INTEGER,
      remindedAt: DataTypes.DATE,
      createdAt: DataTypes.DATE,
      updatedAt: DataTypes.DATE,
    },
    { sequelize, tableName: 'followup_task', underscored: true },
  );
}
