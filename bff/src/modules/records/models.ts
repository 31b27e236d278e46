import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';

/** ICD-10 dictionary entry (reference data, seeded by the module). */
export class Icd10 extends Model<InferAttributes<Icd10>, InferCreationAttributes<Icd10>> {
  declare id: CreationOptional<number>;
  declare code: string;
  declare name: string;
  /** Pinyin initials of the name, upper case (高血压 → GXY), for the search box. */
  declare initials: string;
}

/** Drug dictionary entry. `unit` is the unit a dose is written in (片, 粒, ml …). */
export class Drug extends Model<InferAttributes<Drug>, InferCreationAttributes<Drug>> {
  declare id: CreationOptional<number>;
  declare name: string;
  declare spec: string;
  declare form: string;
  declare unit: string;
  declare defaultDose: number;
  declare defaultRoute: string;
  declare defaultFrequency: string;
  /** 青霉素类, 头孢菌素类 …: what a recorded allergy is matched against besides the drug's name. */
  declare allergyClass: string | null;
  declare initials: string;
  declare status: CreationOptional<'active' | 'disabled'>;
}

/** A family member's health profile. Everything clinical is one encrypted JSON document (dataEnc). */
export class HealthProfile extends Model<InferAttributes<HealthProfile>, InferCreationAttributes<HealthProfile>> {
  declare id: CreationOptional<number>;
  declare patientId: number;
  declare dataEnc: string;
  declare updatedBy: number;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
}

/**
 * 门诊病历, one per appointment. draft (autosaved, editable by its physician) → signed (locked). A change after
 * signing is an amendment: a new signed version; every signed version stays in visit_record_version.
 * contentEnc is the encrypted JSON of the record; the prescription lives beside it (prescription).
 */
export class VisitRecord extends Model<InferAttributes<VisitRecord>, InferCreationAttributes<VisitRecord>> {
  declare id: CreationOptional<number>;
  declare appointmentId: number;
  declare patientId: number;
  declare doctorId: number;
  declare deptId: number;
  declare clinicDate: string;
  declare status: 'draft' | 'signed';
  /** The latest signed version (0 while a draft). */
  declare version: CreationOptional<number>;
  declare contentEnc: string;
  declare signedAt: CreationOptional<Date | null>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
}

/** One signed version of a record with its prescription, never updated: who signed it, when, and why (amendments). */
export class VisitRecordVersion extends Model<
  InferAttributes<VisitRecordVersion>,
  InferCreationAttributes<VisitRecordVersion>
> {
  declare id: CreationOptional<number>;
  declare recordId: number;
  declare version: number;
  declare contentEnc: string;
  declare itemsEnc: string;
  declare signedBy: number;
  declare signedByName: string;
  declare reason: string | null;
  declare createdAt: CreationOptional<Date>;
}

/** 处方 of a visit: the encrypted list of drugs. Locked with its record. */
export class Prescription extends Model<InferAttributes<Prescription>, InferCreationAttributes<Prescription>> {
  declare id: CreationOptional<number>;
  declare recordId: number;
  declare patientId: number;
  declare itemsEnc: string;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
}

const id = () => ({ type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true });
const int = () => ({ type: DataTypes.INTEGER, allowNull: false });
const str = (n: number) => ({ type: DataTypes.STRING(n), allowNull: false });
const text = () => ({ type: DataTypes.TEXT, allowNull: false });

export function initRecordsModels(sequelize: Sequelize) {
  Icd10.init(
    { id: id(), code: str(16), name: str(100), initials: str(50) },
    { sequelize, tableName: 'icd10', underscored: true, timestamps: false },
  );
  Drug.init(
    {
      id: id(),
      name: str(100),
      spec: str(64),
      form: str(32),
      unit: str(16),
      defaultDose: { type: DataTypes.DOUBLE, allowNull: false },
      defaultRoute: str(16),
      defaultFrequency: str(8),
      allergyClass: DataTypes.STRING(32),
      initials: str(60),
      status: { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'active' },
    },
    { sequelize, tableName: 'drug', underscored: true, timestamps: false },
  );
  HealthProfile.init(
    {
      id: id(),
      patientId: int(),
      dataEnc: text(),
      updatedBy: int(),
      createdAt: DataTypes.DATE,
      updatedAt: DataTypes.DATE,
    },
    { sequelize, tableName: 'health_profile', underscored: true },
  );
  VisitRecord.init(
    {
      id: id(),
      appointmentId: int(),
      patientId: int(),
      doctorId: int(),
      deptId: int(),
      clinicDate: { type: DataTypes.DATEONLY, allowNull: false },
      status: str(16),
      version: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
      contentEnc: text(),
      signedAt: DataTypes.DATE,
      createdAt: DataTypes.DATE,
      updatedAt: DataTypes.DATE,
    },
    { sequelize, tableName: 'visit_record', underscored: true },
  );
  VisitRecordVersion.init(
    {
      id: id(),
      recordId: int(),
      version: int(),
      contentEnc: text(),
      itemsEnc: text(),
      signedBy: int(),
      signedByName: str(64),
      reason: DataTypes.STRING(500),
      createdAt: DataTypes.DATE,
    },
    { sequelize, tableName: 'visit_record_version', underscored: true, updatedAt: false },
  );
  Prescription.init(
    {
      id: id(),
      recordId: int(),
      patientId: int(),
      itemsEnc: text(),
      createdAt: DataTypes.DATE,
      updatedAt: DataTypes.DATE,
    },
    { sequelize, tableName: 'prescription', underscored: true },
  );
}
