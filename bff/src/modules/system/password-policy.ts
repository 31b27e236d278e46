/**
 * The password rule, in the spirit of NIST SP 800-63B: long enough, not the username, and not guessable — judged by
 * the zxcvbn strength estimator (common passwords from breaches, keyboard walks, repeats, sequences, dates) rather
 * than by composition rules. Pure, with no server imports, so the admin console runs the very same rule in its forms.
 */
import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';
import { cheapPasswordProblem } from '../../shared/password-rules';

export { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../../shared/password-rules';
/** zxcvbn's 3: about 10^8 guesses or more. */
const MIN_SCORE = 3;

/**
 * zxcvbn's lists come from English-language breaches; these are the passwords and words Chinese users pick most
 * often (and this product's own names), ranked so their variations count as guessable too.
 */
const CHINESE_COMMON = [
  'woaini',
  'woaini1314',
  'woaini520',
  '5201314',
  '520520',
  '1314520',
  '1314521',
  'iloveyou',
  'aini1314',
  'wodemima',
  'mima',
  'zhang',
  'wang',
  'li',
  'zhao',
  'liu',
  'chen',
  'yang',
  'huang',
  'zhou',
  'wu',
  'xu',
  'sun',
  'hu',
  'zhu',
  'gao',
  'lin',
  'he',
  'guo',
  'ma',
  'luo',
  'liang',
  'song',
  'zheng',
  'xie',
  'han',
  'tang',
  'feng',
  'yu',
  'dong',
  'xiao',
  'cheng',
  'cao',
  'yuan',
  'zhangsan',
  'lisi',
  'wangwu',
  'zhangwei',
  'wangfang',
  'liwei',
  'wangwei',
  'liuyang',
  'xiaoming',
  'xiaohong',
  'qq123456',
  'a123456',
  'a123456789',
  'aa123456',
  'abc123456',
  '123456a',
  '123456abc',
  '123456qq',
  'qwe123',
  'qweasdzxc',
  '1qaz2wsx',
  '1q2w3e4r',
  '1qaz2wsx3edc',
  'zxcvbnm',
  'asdfghjkl',
  'qazwsxedc',
  '147258369',
  '147258',
  '159357',
  '789456123',
  '123654789',
  '987654321',
  '31415926',
  '110110',
  '12344321',
  '88888888',
  '66666666',
  '11223344',
  '168168',
  '888888',
  '666666',
  'dearbook',
  'xiazhili',
  'wocaonima',
  'nihao',
  'nihao123',
  'baobei',
  'laopo',
  'laogong',
  'aiwo',
  'taiyang',
  'tiantian',
  'kaixin',
  'xingfu',
  'pingan',
  'shanghai',
  'beijing',
  'zhongguo',
  'china',
  'huawei',
  'xiaomi',
  'baidu',
  'tencent',
  'taobao',
  'weixin',
  'wechat',
  'yiyun',
  'yiyuan',
  'yisheng',
  'hushi',
  'menzhen',
  'guahao',
  'hospital',
  'clinic',
  'doctor',
  'nurse',
  'admin',
  'administrator',
  'root',
  'system',
  'manager',
  'medcloud',
];

let estimator: ZxcvbnFactory | undefined;
const zxcvbn = () =>
  (estimator ??= new ZxcvbnFactory({
    dictionary: { ...common.dictionary, chineseCommon: CHINESE_COMMON },
    graphs: common.adjacencyGraphs,
  }));

export type PasswordProblemReason = 'too_short' | 'too_long' | 'contains_username' | 'too_guessable';
export interface PasswordProblem {
  reason: PasswordProblemReason;
  message: string;
}

/** Who the password is for: it must not contain their username, and their name makes it more guessable. */
export interface PasswordOwner {
  username?: string;
  name?: string;
}

/** null when the password may be used; otherwise why not, in words for the person choosing it. */
export function passwordProblem(password: string, owner: PasswordOwner = {}): PasswordProblem | null {
  const cheap = cheapPasswordProblem(password, owner.username);
  if (cheap) return cheap;
  const inputs = [owner.username, owner.name].filter((x): x is string => !!x && x.trim().length > 0);
  if (zxcvbn().check(password, inputs).score < MIN_SCORE) {
    return { reason: 'too_guessable', message: '密码太容易被猜到，请换一个更少见的密码' };
  }
  return null;
}
