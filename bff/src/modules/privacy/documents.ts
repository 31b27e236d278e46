import type { Config } from '../../config';
import type { ConsentKind } from './kinds';

export { CONSENT_KINDS, type ConsentKind } from './kinds';

/**
 * The documents a patient agrees to, as the product ships them: version 1 of each, seeded into \`privacy_document\`
 * at the first start (library.ts). From then on the hospital edits and publishes them in the console (系统管理 ›
 * 协议管理); a new version asks everyone again (the recorded consent names the version it was given to). The
 * hospital's name and privacy contact come from its configuration (HOSPITAL_NAME, PRIVACY_CONTACT) at seeding.
 */

export interface PolicyDocument {
  kind: ConsentKind;
  title: string;
  version: string;
  /** What the consent is for, in one line (the settings page lists it). */
  purpose: string;
  sections: { heading: string; paragraphs: string[] }[];
}

type Hospital = Pick<Config, 'HOSPITAL_NAME' | 'HOSPITAL_ADDRESS' | 'HOSPITAL_PHONE' | 'PRIVACY_CONTACT'>;

export function policyDocuments(h: Hospital): Record<ConsentKind, PolicyDocument> {
  const who = h.HOSPITAL_NAME;
  const contact = `${h.PRIVACY_CONTACT}，电话 ${h.HOSPITAL_PHONE}，地址 ${h.HOSPITAL_ADDRESS}`;
  return {
    privacy_policy: {
      kind: 'privacy_policy',
      title: '隐私政策',
      version: '2026-12-01',
      purpose: '说明我们收集哪些个人信息、为什么收集、如何保护',
      sections: [
        {
          heading: '一、我们是谁',
          paragraphs: [
            `本小程序由${who}（以下简称“我们”）运营，用于预约挂号、在线问诊、查看病历和健康科普。个人信息保护负责人联系方式：${contact}。`,
          ],
        },
        {
          heading: '二、我们收集的信息及用途',
          paragraphs: [
            '微信登录标识（openid）：识别您的账号，不会用于其他目的。',
            '手机号（经您授权后）：发送预约、停诊和就诊提醒，必要时医护人员联系您。',
            '昵称和头像（由您选择填写）：在“我的”页面显示。',
            '就诊人的姓名、身份证号、手机号：挂号实名制所必需；身份证号属于敏感个人信息，我们会单独征得您的同意。',
            '就诊、病历、处方、问诊内容等健康信息：提供诊疗服务所必需，属于敏感个人信息，我们会单独征得您的同意。',
          ],
        },
        {
          heading: '三、存储与保护',
          paragraphs: [
            '信息存储在中华人民共和国境内。身份证号和手机号加密保存，页面上只显示打码后的号码。',
            '医护人员查看您的病历等健康信息时，每一次查看都会被记录，以备核查。',
            '病历、处方和预约记录按照《医疗机构病历管理规定》保存（门诊病历自最后一次就诊起不少于 15 年）。',
          ],
        },
        {
          heading: '四、您的权利',
          paragraphs: [
            '您可以在“我的 › 设置”中查看本政策、撤回对敏感个人信息的同意、修改昵称头像、注销账号。',
            '注销账号后，我们删除您的手机号、昵称、头像和消息，账号作匿名化处理并立即退出登录；依法必须保存的病历、处方、预约和支付记录继续保存，但不再与您的微信账号关联。',
            '撤回同意不影响撤回前基于同意已进行的处理；撤回后将无法添加就诊人。',
          ],
        },
        {
          heading: '五、共享与委托处理',
          paragraphs: [
            '我们不会出售您的个人信息。支付通过微信支付完成，我们只向其提供订单号和金额；消息提醒通过微信订阅消息发送，仅在您同意订阅后发送。',
          ],
        },
      ],
    },
    user_agreement: {
      kind: 'user_agreement',
      title: '用户服务协议',
      version: '2026-12-01',
      purpose: '使用挂号、问诊等服务的规则',
      sections: [
        {
          heading: '一、服务内容',
          paragraphs: [
            `${who}通过本小程序提供预约挂号、在线问诊、病历查询和健康科普服务。在线问诊不能代替急诊，病情紧急请立即拨打 120 或前往急诊。`,
          ],
        },
        {
          heading: '二、实名就诊',
          paragraphs: [
            '挂号实行实名制，请如实填写就诊人信息；每个账号最多添加 5 位就诊人。为他人（如家人）添加就诊人，应事先取得其同意；为不满 14 周岁的未成年人添加，应为其监护人。',
          ],
        },
        {
          heading: '三、预约、支付与退款',
          paragraphs: [
            '预约后请在规定时间内支付，逾期号源自动释放。取消截止时间前取消的，挂号费原路全额退回；医生停诊的，挂号费全额退回并通知您。',
            '多次预约后未就诊的，可能在一段时间内不能预约。',
          ],
        },
        {
          heading: '四、账号',
          paragraphs: ['您可以随时在“我的 › 设置”中退出登录或注销账号。'],
        },
      ],
    },
    health_data: {
      kind: 'health_data',
      title: '健康信息处理单独同意',
      version: '2026-12-01',
      purpose: '处理就诊人的病历、处方、预约和问诊等健康信息',
      sections: [
        {
          heading: '敏感个人信息处理告知',
          paragraphs: [
            '为向您和您添加的就诊人提供挂号、问诊、病历查询服务，我们需要处理就诊人的健康信息（预约与就诊记录、病历、诊断、处方、过敏史、问诊内容等）。',
            '这些信息属于敏感个人信息，一旦泄露可能对人身、财产造成损害。我们仅为诊疗目的处理，加密传输，医护人员的每次查看均被记录。',
            '您可以随时撤回本同意；撤回后将不能添加新的就诊人，已有的病历按医疗法规继续保存。',
          ],
        },
      ],
    },
    id_number: {
      kind: 'id_number',
      title: '身份证号处理单独同意',
      version: '2026-12-01',
      purpose: '挂号实名制：处理就诊人的身份证号',
      sections: [
        {
          heading: '敏感个人信息处理告知',
          paragraphs: [
            '挂号实名制要求核验就诊人的身份证号。身份证号属于敏感个人信息，我们加密保存，页面上只显示打码后的号码，只用于实名就诊和防止重复挂号。',
            '不同意则无法添加就诊人和挂号，但您仍可以浏览医生、科室和健康科普。',
          ],
        },
      ],
    },
  };
}
