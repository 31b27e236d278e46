import type { FormItemRule, FormRules } from 'element-plus'
import { required } from '@/utils/validators'
import type { ScheduleFormModel } from './types'

const toMin = (t: string) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3, 5))

/** mirrors the BFF's checks (scheduling/service.ts checkTimes) so the problem shows before a round trip */
export function scheduleRules(form: ScheduleFormModel): FormRules<ScheduleFormModel> {
  const endAfterStart: FormItemRule = {
    validator: (_r, v: string, cb) =>
      !v || !form.startTime || toMin(v) > toMin(form.startTime) ? cb() : cb(new Error('结束时间应晚于开始时间')),
    trigger: 'change',
  }
  const slotsFit: FormItemRule = {
    validator: (_r, v: number, cb) => {
      if (!form.startTime || !form.endTime) return cb()
      return v <= toMin(form.endTime) - toMin(form.startTime) ? cb() : cb(new Error('号源过多：每个号源至少 1 分钟'))
    },
    trigger: 'change',
  }
  const releaseBeforeStart: FormItemRule = {
    validator: (_r, v: string, cb) =>
      !v || !form.clinicDate || !form.startTime || v < `${form.clinicDate} ${form.startTime}`
        ? cb()
        : cb(new Error('放号时间应早于就诊开始时间')),
    trigger: 'change',
  }
  return {
    doctorId: [required('请选择医生', 'change')],
    clinicDate: [required('请选择出诊日期', 'change')],
    period: [required('请选择时段', 'change')],
    startTime: [required('请选择开始时间', 'change')],
    endTime: [required('请选择结束时间', 'change'), endAfterStart],
    slotCount: [required('请输入号源数', 'change'), slotsFit],
    feeYuan: [required('请输入挂号费', 'change')],
    releaseAt: [required('请选择放号时间', 'change'), releaseBeforeStart],
  }
}
