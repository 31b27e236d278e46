import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';

type Attrs<M extends Model> = InferAttributes<M>;
type Create<M extends Model> = InferCreationAttributes<M>;

export type Status = 'active' | 'disabled';
export type DataScope = 'all' | 'custom' | 'dept' | 'dept_and_below' | 'self';
export type UserStatus = 'active' | 'disabled' | 'pending' | 'rejected';

export class Dept extends Model<Attrs<Dept>, Create<Dept>> {
  declare id: CreationOptional<number>;
  declare parentId: number | null;
  /** ",1,4,9," — ids from the root down to and including this one; a subtree is `path LIKE '%,9,%'`. */
  declare path: CreationOptional<string>;
  declare name: string;
  declare type: 'institution' | 'department';
  declare orderNum: CreationOptional<number>;
  declare leader: string | null;
  declare phone: string | null;
  declare status: CreationOptional<Status>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
}

export class Post extends Model<Attrs<Post>, Create<Post>> {
  declare id: CreationOptional<number>;
  declare code: string;
  declare name: string;
  declare orderNum: CreationOptional<number>;
  declare status: CreationOptional<Status>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
}

export class User extends Model<Attrs<User>, Create<User>> {
  declare id: CreationOptional<number>;
  declare username: string;
  declare name: string;
  declare deptId: number | null;
  declare postId: number | null;
  declare phoneEnc: string | null;
  declare phoneHash: string | null;
  declare email: string | null;
  declare passwordHash: string;
  declare status: UserStatus;
  /** Unused since failed logins are counted per username in kv (auth/service.ts adminLogin); kept for the schema. */
  declare failedLogins: CreationOptional<number>;
  declare lockedUntil: Date | null;
  declare mustChangePassword: CreationOptional<boolean>;
  declare mpUserId: number | null;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
}

/**
 * What patients see about a doctor. `title` (职称) is shown instead of the position's name when set; `level` is the
 * 号别 code (scheduling's clinic_level: ordinary / expert / special) whose fee prices the doctor's sessions.
 */
export class DoctorProfile extends Model<Attrs<DoctorProfile>, Create<DoctorProfile>> {
  declare userId: number;
  declare specialty: string | null;
  declare intro: string | null;
  declare avatarUrl: string | null;
  declare title: CreationOptional<string | null>;
  declare level: CreationOptional<string | null>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
}

export class Role extends Model<Attrs<Role>, Create<Role>> {
  declare id: CreationOptional<number>;
  declare key: string;
  declare name: string;
  declare orderNum: CreationOptional<number>;
  declare dataScope: DataScope;
  declare status: CreationOptional<Status>;
  declare builtin: CreationOptional<boolean>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
}

export class Menu extends Model<Attrs<Menu>, Create<Menu>> {
  declare id: CreationOptional<number>;
  declare parentId: number | null;
  declare name: string;
  declare type: 'D' | 'M' | 'B';
  declare path: string | null;
  declare component: string | null;
  declare perms: string | null;
  declare icon: string | null;
  declare orderNum: CreationOptional<number>;
  declare visible: CreationOptional<boolean>;
  declare status: CreationOptional<Status>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
}

export class RoleMenu extends Model<Attrs<RoleMenu>, Create<RoleMenu>> {
  declare roleId: number;
  declare menuId: number;
}
export class RoleDept extends Model<Attrs<RoleDept>, Create<RoleDept>> {
  declare roleId: number;
  declare deptId: number;
}
export class UserRole extends Model<Attrs<UserRole>, Create<UserRole>> {
  declare userId: number;
  declare roleId: number;
}

export class DictType extends Model<Attrs<DictType>, Create<DictType>> {
  declare id: CreationOptional<number>;
  declare type: string;
  declare name: string;
  declare status: CreationOptional<Status>;
  declare remark: string | null;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
}

export class DictItem extends Model<Attrs<DictItem>, Create<DictItem>> {
  declare id: CreationOptional<number>;
  declare dictType: string;
  declare label: string;
  declare value: string;
  declare orderNum: CreationOptional<number>;
  declare cssClass: string | null;
  declare status: CreationOptional<Status>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
}

export class StaffApplication extends Model<Attrs<StaffApplication>, Create<StaffApplication>> {
  declare id: CreationOptional<number>;
  declare mpUserId: number;
  /** The pending console account; null once a rejection has released the username. */
  declare userId: number | null;
  declare username: string;
  declare name: string;
  declare deptId: number;
  declare postId: number | null;
  declare status: 'pending' | 'approved' | 'rejected';
  declare reason: string | null;
  declare reviewedBy: number | null;
  declare reviewedAt: Date | null;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
}

const id = { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true };
const ts = { createdAt: DataTypes.DATE, updatedAt: DataTypes.DATE };
const status = { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'active' };
const orderNum = { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 };

export function initSystemModels(sequelize: Sequelize) {
  const opts = (tableName: string, timestamps = true) => ({ sequelize, tableName, underscored: true, timestamps });
  Dept.init(
    {
      id,
      parentId: DataTypes.INTEGER,
      path: { type: DataTypes.STRING(500), allowNull: false, defaultValue: '' },
      name: { type: DataTypes.STRING(50), allowNull: false },
      type: { type: DataTypes.STRING(16), allowNull: false },
      orderNum,
      leader: DataTypes.STRING(32),
      phone: DataTypes.STRING(32),
      status,
      ...ts,
    },
    opts('sys_dept'),
  );
  Post.init(
    {
      id,
      code: { type: DataTypes.STRING(32), allowNull: false },
      name: { type: DataTypes.STRING(50), allowNull: false },
      orderNum,
      status,
      ...ts,
    },
    opts('sys_post'),
  );
  User.init(
    {
      id,
      username: { type: DataTypes.STRING(32), allowNull: false },
      name: { type: DataTypes.STRING(32), allowNull: false },
      deptId: DataTypes.INTEGER,
      postId: DataTypes.INTEGER,
      phoneEnc: DataTypes.TEXT,
      phoneHash: DataTypes.STRING(64),
      email: DataTypes.STRING(128),
      passwordHash: { type: DataTypes.STRING(255), allowNull: false },
      status: { type: DataTypes.STRING(16), allowNull: false },
      failedLogins: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
      lockedUntil: DataTypes.DATE,
      mustChangePassword: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
      mpUserId: DataTypes.INTEGER,
      ...ts,
    },
    opts('sys_user'),
  );
  DoctorProfile.init(
    {
      userId: { type: DataTypes.INTEGER, primaryKey: true },
      specialty: DataTypes.STRING(200),
      intro: DataTypes.TEXT,
      avatarUrl: DataTypes.STRING(512),
      title: DataTypes.STRING(32),
      level: DataTypes.STRING(16),
      ...ts,
    },
    opts('doctor_profile'),
  );
  Role.init(
    {
      id,
      key: { type: DataTypes.STRING(32), allowNull: false },
      name: { type: DataTypes.STRING(32), allowNull: false },
      orderNum,
      dataScope: { type: DataTypes.STRING(24), allowNull: false },
      status,
      builtin: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
      ...ts,
    },
    opts('sys_role'),
  );
  Menu.init(
    {
      id,
      parentId: DataTypes.INTEGER,
      name: { type: DataTypes.STRING(50), allowNull: false },
      type: { type: DataTypes.STRING(1), allowNull: false },
      path: DataTypes.STRING(200),
      component: DataTypes.STRING(200),
      perms: DataTypes.STRING(100),
      icon: DataTypes.STRING(64),
      orderNum,
      visible: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: true },
      status,
      ...ts,
    },
    opts('sys_menu'),
  );
  const link = (a: string, b: string) => ({
    [a]: { type: DataTypes.INTEGER, primaryKey: true },
    [b]: { type: DataTypes.INTEGER, primaryKey: true },
  });
  RoleMenu.init(link('roleId', 'menuId') as never, opts('sys_role_menu', false));
  RoleDept.init(link('roleId', 'deptId') as never, opts('sys_role_dept', false));
  UserRole.init(link('userId', 'roleId') as never, opts('sys_user_role', false));
  DictType.init(
    {
      id,
      type: { type: DataTypes.STRING(64), allowNull: false },
      name: { type: DataTypes.STRING(64), allowNull: false },
      status,
      remark: DataTypes.STRING(255),
      ...ts,
    },
    opts('sys_dict_type'),
  );
  DictItem.init(
    {
      id,
      dictType: { type: DataTypes.STRING(64), allowNull: false },
      label: { type: DataTypes.STRING(64), allowNull: false },
      value: { type: DataTypes.STRING(64), allowNull: false },
      orderNum,
      cssClass: DataTypes.STRING(32),
      status,
      ...ts,
    },
    opts('sys_dict_item'),
  );
  StaffApplication.init(
    {
      id,
      mpUserId: { type: DataTypes.INTEGER, allowNull: false },
      userId: DataTypes.INTEGER,
      username: { type: DataTypes.STRING(32), allowNull: false },
      name: { type: DataTypes.STRING(32), allowNull: false },
      deptId: { type: DataTypes.INTEGER, allowNull: false },
      postId: DataTypes.INTEGER,
      status: { type: DataTypes.STRING(16), allowNull: false },
      reason: DataTypes.STRING(255),
      reviewedBy: DataTypes.INTEGER,
      reviewedAt: DataTypes.DATE,
      ...ts,
    },
    opts('sys_staff_application'),
  );
}
