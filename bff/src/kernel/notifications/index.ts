export {
  notify,
  noticeInsertSql,
  deliverRecorded,
  templateId,
  setOpenidLookup,
  type NoticeMessage,
  type SubscribeOutcome,
} from './service';
export { initNotificationModels, PatientNotice, NotificationSubscription } from './models';
export { notificationMpRoutes } from './mp.routes';
