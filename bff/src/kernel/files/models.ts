import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';

/**
 * image, video: public by an unguessable name (covers, article images). report: private medical files (test and
 * examination reports) — kept in their own folder, never served by the public /files route; the domain that owns
 * one serves it after its own access check (sendStoredFile).
 */
export type FileKind = 'image' | 'video' | 'report';

/** An uploaded file: the bytes live under DATA_DIR/uploads (outside any web root), this row says what they are. */
export class StoredFile extends Model<InferAttributes<StoredFile>, InferCreationAttributes<StoredFile>> {
  /** Random UUID: the file's public URL, unguessable (covers and article images are shown to patients). */
  declare id: string;
  declare kind: FileKind;
  /** Sniffed from the bytes, never taken from the client. */
  declare mime: string;
  declare ext: string;
  declare size: number;
  declare originalName: string | null;
  declare uploaderId: number;
  declare createdAt: CreationOptional<Date>;
}

export function initFileModels(sequelize: Sequelize) {
  StoredFile.init(
    {
      id: { type: DataTypes.STRING(36), primaryKey: true },
      kind: { type: DataTypes.STRING(16), allowNull: false },
      mime: { type: DataTypes.STRING(64), allowNull: false },
      ext: { type: DataTypes.STRING(16), allowNull: false },
      size: { type: DataTypes.BIGINT, allowNull: false },
      originalName: DataTypes.STRING(255),
      uploaderId: { type: DataTypes.INTEGER, allowNull: false },
      createdAt: DataTypes.DATE,
    },
    { sequelize, tableName: 'stored_file', underscored: true, updatedAt: false },
  );
}
