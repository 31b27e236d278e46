/** 系统管理 › 协议管理: who reads, edits and publishes the documents patients agree to. */
export const PRIVACY_PERMS = {
  documentList: 'system:agreement:list',
  documentEdit: 'system:agreement:edit',
  documentPublish: 'system:agreement:publish',
} as const;
