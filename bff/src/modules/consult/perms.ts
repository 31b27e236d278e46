/** Permission strings of the consult domain (menu seed, routes and v-perm use exactly these). */
export const CONSULT_PERMS = {
  /** Physician workbench: my consultations and their conversations. */
  workbench: 'consult:workbench:list',
  /** Reply, close, quick replies, own 图文问诊 price. */
  reply: 'consult:workbench:reply',
  /** Consultation data management: search messages, view any conversation in scope (audited). */
  dataList: 'consult:message:list',
  /** Hide a message (soft delete, audited). */
  dataRemove: 'consult:message:remove',
  /** Add a system message to a conversation. */
  dataAdd: 'consult:message:add',
} as const;
