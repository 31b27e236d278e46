import type { RouteTree } from '../../http/route';
import { IdParams } from '../../http/schemas';
import { Patient, PatientCreate, PatientList, PatientUpdate } from './schemas';
import { addPatient, getPatient, listPatients, removePatient, setDefaultPatient, updatePatient } from './service';

export function patientRoutes(t: RouteTree) {
  t.add({
    method: 'get',
    path: '/patients',
    summary: '我的就诊人',
    auth: 'mp',
    response: PatientList,
    handler: ({ actor }) => listPatients(actor),
  });
  t.add({
    method: 'post',
    path: '/patients',
    summary: '添加就诊人',
    auth: 'mp',
    body: PatientCreate,
    response: Patient,
    handler: ({ actor, body }) => addPatient(actor, body),
  });
  t.add({
    method: 'get',
    path: '/patients/:id',
    summary: '就诊人详情',
    auth: 'mp',
    params: IdParams,
    response: Patient,
    handler: ({ actor, params }) => getPatient(actor, params.id),
  });
  t.add({
    method: 'patch',
    path: '/patients/:id',
    summary: '修改就诊人',
    auth: 'mp',
    params: IdParams,
    body: PatientUpdate,
    response: Patient,
    handler: ({ actor, params, body }) => updatePatient(actor, params.id, body),
  });
  t.add({
    method: 'delete',
    path: '/patients/:id',
    summary: '删除就诊人',
    auth: 'mp',
    params: IdParams,
    status: 204,
    handler: async ({ actor, params }) => void (await removePatient(actor, params.id)),
  });
  t.add({
    method: 'post',
    path: '/patients/:id/default',
    summary: '设为默认就诊人',
    auth: 'mp',
    params: IdParams,
    response: Patient,
    status: 200,
    handler: ({ actor, params }) => setDefaultPatient(actor, params.id),
  });
}
