/** Every permission string the records routes check (menu-seed.ts grants them; the console's v-perm shows them). */
export const RECORDS_PERMS = {
  clinicList: 'records:clinic:list',
  clinicCall: 'records:clinic:call',
  visitList: 'records:visit:list',
  visitEdit: 'records:visit:edit',
  visitSign: 'records:visit:sign',
  visitAmend: 'records:visit:amend',
  visitPrint: 'records:visit:print',
  reportEdit: 'records:report:edit',
  templateList: 'records:template:list',
  templateEdit: 'records:template:edit',
  profileEdit: 'records:profile:edit',
  accessList: 'records:access:list',
} as const;
