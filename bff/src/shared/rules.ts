/** Input rules: the BFF's zod schemas and the front-ends' form checks read the same patterns and wording. */

export const PHONE_RE = /^1[3-9]\d{9}$/;
export const PHONE_MESSAGE = '请输入 11 位手机号';

export const USERNAME_RE = /^[A-Za-z0-9_]{4,32}$/;
export const USERNAME_MESSAGE = '用户名为 4–32 位字母、数字或下划线';

export const PERSON_NAME = { min: 2, max: 20, tooShort: '姓名至少 2 个字', tooLong: '姓名最多 20 个字' } as const;
