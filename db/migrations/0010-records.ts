import { DataTypes, type QueryInterface } from 'sequelize';

const id = { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true, allowNull: false };
const date = (allowNull = true) => ({ type: DataTypes.DATE, allowNull });
const str = (n: number, allowNull = false) => ({ type: DataTypes.STRING(n), allowNull });
const int = (allowNull = false) => ({ type: DataTypes.INTEGER, allowNull });
const text = () => ({ type: DataTypes.TEXT, allowNull: false });

/** Medical records (issue 14): ICD-10 and drug dictionaries, health profiles, visit records with versions, prescriptions. */
export async function up({ context: qi }: { context: QueryInterface }) {
  await qi.createTable('icd10', { id, code: str(16), name: str(100), initials: str(50) });
  await qi.addIndex('icd10', ['code'], { unique: true, name: 'icd10_code' });
  await qi.addIndex('icd10', ['initials'], { name: 'icd10_initials' });

  await qi.createTable('drug', {
    id,
    name: str(100),
    spec: str(64),
    form: str(32),
    unit: str(16),
    default_dose: { type: DataTypes.DOUBLE, allowNull: false },
    default_route: str(16),
    default_frequency: str(8),
    allergy_class: str(32, true),
    initials: str(60),
    status: { ...str(16), defaultValue: 'active' },
  });
  await qi.addIndex('drug', ['name'], { unique: true, name: 'drug_name' });
  await qi.addIndex('drug', ['initials'], { name: 'drug_initials' });

  // Clinical content is encrypted at rest (AES-256-GCM JSON documents): only keys and dates are in clear.
  await qi.createTable('health_profile', {
    id,
    patient_id: int(),
    data_enc: text(),
    updated_by: int(),
    created_at: date(false),
    updated_at: date(false),
  });
  await qi.addIndex('health_profile', ['patient_id'], { unique: true, name: 'health_profile_patient' });

  await qi.createTable('visit_record', {
    id,
    appointment_id: int(),
    patient_id: int(),
    doctor_id: int(),
    dept_id: int(),
    clinic_date: { type: DataTypes.DATEONLY, allowNull: false },
    status: str(16),
    version: { ...int(), defaultValue: 0 },
    content_enc: text(),
    signed_at: date(),
    created_at: date(false),
    updated_at: date(false),
  });
  // One record per appointment: opening it twice (two tabs, call-next racing) finds the same row.
  await qi.addIndex('visit_record', ['appointment_id'], { unique: true, name: 'visit_record_appointment' });
  await qi.addIndex('visit_record', ['patient_id', 'clinic_date']);
  await qi.addIndex('visit_record', ['doctor_id', 'clinic_date']);

  await qi.createTable('visit_record_version', {
    id,
    record_id: int(),
    version: int(),
    content_enc: text(),
    items_enc: text(),
    signed_by: int(),
    signed_by_name: str(64),
    reason: str(500, true),
    created_at: date(false),
  });
  await qi.addIndex('visit_record_version', ['record_id', 'version'], {
    unique: true,
    name: 'visit_record_version_record',
  });

  await qi.createTable('prescription', {
    id,
    record_id: int(),
    patient_id: int(),
    items_enc: text(),
    created_at: date(false),
    updated_at: date(false),
  });
  await qi.addIndex('prescription', ['record_id'], { unique: true, name: 'prescription_record' });
  await qi.addIndex('prescription', ['patient_id']);
}

export async function down({ context: qi }: { context: QueryInterface }) {
  for (const t of ['prescription', 'visit_record_version', 'visit_record', 'health_profile', 'drug', 'icd10'])
    await qi.dropTable(t);
}
