/** What a patient is asked to agree to; the front-end imports this file's types too (so it imports nothing). */
export const CONSENT_KINDS = ['privacy_policy', 'user_agreement', 'health_data', 'id_number'] as const;
export type ConsentKind = (typeof CONSENT_KINDS)[number];
