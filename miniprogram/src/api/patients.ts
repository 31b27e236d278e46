import { http, type RequestOptions } from './client'
import type { Page, Patient, PatientCreate, PatientUpdate } from './types'

export const MAX_PATIENTS = 5

export const listPatients = () => http.get<Page<Patient>>('/api/mp/patients?pageSize=100')
export const getPatient = (id: number) => http.get<Patient>(`/api/mp/patients/${id}`)
export const createPatient = (body: PatientCreate, opts?: RequestOptions) =>
  http.post<Patient>('/api/mp/patients', body, opts)
export const updatePatient = (id: number, body: PatientUpdate, opts?: RequestOptions) =>
  http.patch<Patient>(`/api/mp/patients/${id}`, body, opts)
export const deletePatient = (id: number) => http.del(`/api/mp/patients/${id}`)
export const setDefaultPatient = (id: number) => http.post<Patient>(`/api/mp/patients/${id}/default`)
