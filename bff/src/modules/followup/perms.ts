/**
 * Every permission string the followup routes check. The three `booking:followup:*` strings are the ones the
 * follow-ups of appointments had before this module (kept so the grants admins made still hold).
 */
export const FOLLOWUP_PERMS = {
  list: 'booking:followup:list',
  add: 'booking:followup:add',
  edit: 'booking:followup:edit',
  export: 'followup:task:export',
  questionnaireList: 'followup:questionnaire:list',
  questionnaireEdit: 'followup:questionnaire:edit',
} as const;
