/** Permission strings of the learning domain (menu seed, routes and v-perm use exactly these). */
export const LEARNING_PERMS = {
  taskList: 'learning:task:list',
  taskAdd: 'learning:task:add',
  taskExport: 'learning:task:export',
  taskRemind: 'learning:task:remind',
  myList: 'learning:my:list',
} as const;
