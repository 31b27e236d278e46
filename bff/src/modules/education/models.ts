import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';

export type ContentKind = 'article' | 'video';
/** draft → published → offline (→ published again); only published items reach patients. */
export type ContentStatus = 'draft' | 'published' | 'offline';

/** An article or a video of 健康宣教. The body is stored already sanitized (sanitize-html). */
export class EduContent extends Model<InferAttributes<EduContent>, InferCreationAttributes<EduContent>> {
  declare id: CreationOptional<number>;
  declare kind: ContentKind;
  declare title: string;
  declare summary: string;
  declare coverUrl: string | null;
  declare body: string;
  declare videoUrl: string | null;
  declare durationSec: number | null;
  declare deptId: number;
  /** Comma-separated, each trimmed, for LIKE search; the API speaks arrays. */
  declare tags: string;
  declare status: ContentStatus;
  declare authorId: number;
  declare reviewerId: CreationOptional<number | null>;
  declare reviewedAt: CreationOptional<Date | null>;
  declare publishedAt: CreationOptional<Date | null>;
  declare version: CreationOptional<number>;
  declare readCount: CreationOptional<number>;
  declare likeCount: CreationOptional<number>;
  declare commentCount: CreationOptional<number>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
}

/** Edit history: one row per saved version, with who saved it. */
export class EduRevision extends Model<InferAttributes<EduRevision>, InferCreationAttributes<EduRevision>> {
  declare id: CreationOptional<number>;
  declare contentId: number;
  declare version: number;
  declare action: 'create' | 'edit' | 'publish' | 'offline' | 'review';
  declare title: string;
  declare summary: string;
  declare body: string;
  declare editorId: number;
  declare createdAt: CreationOptional<Date>;
}

export class EduLike extends Model<InferAttributes<EduLike>, InferCreationAttributes<EduLike>> {
  declare id: CreationOptional<number>;
  declare contentId: number;
  declare userId: number;
  declare createdAt: CreationOptional<Date>;
}

/** published: everyone sees it; pending: held by a sensitive word, only its author and staff see it. */
export type CommentStatus = 'published' | 'pending';

export class EduComment extends Model<InferAttributes<EduComment>, InferCreationAttributes<EduComment>> {
  declare id: CreationOptional<number>;
  declare contentId: number;
  declare userId: number;
  declare text: string;
  declare status: CommentStatus;
  /** The sensitive words that held it, for the moderator. */
  declare heldFor: CreationOptional<string | null>;
  declare reply: CreationOptional<string | null>;
  declare repliedBy: CreationOptional<number | null>;
  declare repliedAt: CreationOptional<Date | null>;
  declare deletedAt: CreationOptional<Date | null>;
  declare deletedBy: CreationOptional<number | null>;
  declare createdAt: CreationOptional<Date>;
}

export type WordAction = 'block' | 'review';

export class SensitiveWord extends Model<InferAttributes<SensitiveWord>, InferCreationAttributes<SensitiveWord>> {
  declare id: CreationOptional<number>;
  declare word: string;
  declare action: WordAction;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
}

/** 宣教处方: content a physician sent a patient after a visit; readAt is set when the patient opens it. */
export class EduPrescription extends Model<InferAttributes<EduPrescription>, InferCreationAttributes<EduPrescription>> {
  declare id: CreationOptional<number>;
  declare appointmentId: number;
  declare userId: number;
  declare patientId: number;
  declare contentId: number;
  declare doctorId: number;
  declare readAt: CreationOptional<Date | null>;
  declare createdAt: CreationOptional<Date>;
}

const id = { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true };
const int = () => ({ type: DataTypes.INTEGER, allowNull: false });
const str = (n: number) => ({ type: DataTypes.STRING(n), allowNull: false });
const counter = () => ({ type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 });

export function initEducationModels(sequelize: Sequelize) {
  const opts = (tableName: string, updatedAt = true) => ({ sequelize, tableName, underscored: true, updatedAt });
  EduContent.init(
    {
      id,
      kind: str(16),
      title: str(100),
      summary: { ...str(300), defaultValue: '' },
      coverUrl: DataTypes.STRING(255),
      body: { type: DataTypes.TEXT('medium'), allowNull: false },
      videoUrl: DataTypes.STRING(500),
      durationSec: DataTypes.INTEGER,
      deptId: int(),
      tags: { ...str(255), defaultValue: '' },
      status: { ...str(16), defaultValue: 'draft' },
      authorId: int(),
      reviewerId: DataTypes.INTEGER,
      reviewedAt: DataTypes.DATE,
      publishedAt: DataTypes.DATE,
      version: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 1 },
      readCount: counter(),
      likeCount: counter(),
      commentCount: counter(),
      createdAt: DataTypes.DATE,
      updatedAt: DataTypes.DATE,
    },
    opts('edu_content'),
  );
  EduRevision.init(
    {
      id,
      contentId: int(),
      version: int(),
      action: str(16),
      title: str(100),
      summary: { ...str(300), defaultValue: '' },
      body: { type: DataTypes.TEXT('medium'), allowNull: false },
      editorId: int(),
      createdAt: DataTypes.DATE,
    },
    opts('edu_revision', false),
  );
  EduLike.init({ id, contentId: int(), userId: int(), createdAt: DataTypes.DATE }, opts('edu_like', false));
  EduComment.init(
    {
      id,
      contentId: int(),
      userId: int(),
      text: str(500),
      status: str(16),
      heldFor: DataTypes.STRING(255),
      reply: DataTypes.STRING(500),
      repliedBy: DataTypes.INTEGER,
      repliedAt: DataTypes.DATE,
      deletedAt: DataTypes.DATE,
      deletedBy: DataTypes.INTEGER,
      createdAt: DataTypes.DATE,
    },
    opts('edu_comment', false),
  );
  SensitiveWord.init(
    { id, word: str(64), action: str(16), createdAt: DataTypes.DATE, updatedAt: DataTypes.DATE },
    opts('edu_sensitive_word'),
  );
  EduPrescription.init(
    {
      id,
      appointmentId: int(),
      userId: int(),
      patientId: int(),
      contentId: int(),
      doctorId: int(),
      readAt: DataTypes.DATE,
      createdAt: DataTypes.DATE,
    },
    opts('edu_prescription', false),
  );
}
