/** Every permission string the monitor routes check (the menu seed grants them; a consistency test compares). */
export const MONITOR_PERMS = {
  operlogList: 'monitor:operlog:list',
  logininforList: 'monitor:logininfor:list',
  onlineList: 'monitor:online:list',
  onlineForceLogout: 'monitor:online:forceLogout',
  jobList: 'monitor:job:list',
  jobEdit: 'monitor:job:edit',
  jobChangeStatus: 'monitor:job:changeStatus',
  jobRun: 'monitor:job:run',
  serverList: 'monitor:server:list',
  cacheList: 'monitor:cache:list',
  cacheClear: 'monitor:cache:clear',
  statsList: 'monitor:stats:list',
  statsExport: 'monitor:stats:export',
} as const;
