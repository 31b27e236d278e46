/** 系统管理 › 通知公告 (RuoYi's system:notice:* permissions). */
export const HOSPITAL_PERMS = {
  noticeList: 'system:notice:list',
  noticeAdd: 'system:notice:add',
  noticeEdit: 'system:notice:edit',
  noticeRemove: 'system:notice:remove',
} as const;
