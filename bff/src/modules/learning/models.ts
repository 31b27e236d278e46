import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';

export class LearningTask extends Model<InferAttributes<LearningTask>, InferCreationAttributes<LearningTask>> {
  declare id: CreationOptional<number>;
  declare title: string;
  declare description: string;
  /** The last day (Asia/Shanghai) to finish it, YYYY-MM-DD. */
  declare deadline: string;
  declare creatorId: number;
  /** The creator's department, for data scope. */
  declare creatorDeptId: number | null;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
}

/**
 * A department a task targets. The physicians are not copied: whoever is in the department when the list is read
 * has the task, so a physician who joins later gets it too.
 */
export class LearningTaskDept extends Model<
  InferAttributes<LearningTaskDept>,
  InferCreationAttributes<LearningTaskDept>
> {
  declare taskId: number;
  declare deptId: number;
}

export class LearningTaskItem extends Model<
  InferAttributes<LearningTaskItem>,
  InferCreationAttributes<LearningTaskItem>
> {
  declare taskId: number;
  declare contentId: number;
  declare orderNum: number;
}

/**
 * One staff member's progress on one article or video, kept by the server. An article counts once it is reported
 * read to the end no sooner than a reading time after it was opened; a video once ≥ 90 % of its buckets were covered
 * by position reports that advance no faster than the clock.
 */
export class LearningProgress extends Model<
  InferAttributes<LearningProgress>,
  InferCreationAttributes<LearningProgress>
> {
  declare id: CreationOptional<number>;
  declare userId: number;
  declare contentId: number;
  declare openedAt: Date;
  declare lastPosition: CreationOptional<number>;
  declare lastReportAt: CreationOptional<Date | null>;
  /** One character per video bucket ('1' watched), empty for articles. */
  declare watched: CreationOptional<string>;
  declare percent: CreationOptional<number>;
  declare completedAt: CreationOptional<Date | null>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
}

const int = () => ({ type: DataTypes.INTEGER, allowNull: false });

export function initLearningModels(sequelize: Sequelize) {
  const opts = (tableName: string, timestamps = true) => ({ sequelize, tableName, underscored: true, timestamps });
  LearningTask.init(
    {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      title: { type: DataTypes.STRING(100), allowNull: false },
      description: { type: DataTypes.STRING(1000), allowNull: false, defaultValue: '' },
      deadline: { type: DataTypes.DATEONLY, allowNull: false },
      creatorId: int(),
      creatorDeptId: DataTypes.INTEGER,
      createdAt: DataTypes.DATE,
      updatedAt: DataTypes.DATE,
    },
    opts('learning_task'),
  );
  LearningTaskDept.init(
    { taskId: { ...int(), primaryKey: true }, deptId: { ...int(), primaryKey: true } },
    opts('learning_task_dept', false),
  );
  LearningTaskItem.init(
    { taskId: { ...int(), primaryKey: true }, contentId: { ...int(), primaryKey: true }, orderNum: int() },
    opts('learning_task_item', false),
  );
  LearningProgress.init(
    {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      userId: int(),
      contentId: int(),
      openedAt: { type: DataTypes.DATE, allowNull: false },
      lastPosition: { ...int(), defaultValue: 0 },
      lastReportAt: DataTypes.DATE,
      watched: { type: DataTypes.STRING(1000), allowNull: false, defaultValue: '' },
      percent: { ...int(), defaultValue: 0 },
      completedAt: DataTypes.DATE,
      createdAt: DataTypes.DATE,
      updatedAt: DataTypes.DATE,
    },
    opts('learning_progress'),
  );
}
