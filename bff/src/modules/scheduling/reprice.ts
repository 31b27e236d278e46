import { Op } from 'sequelize';
import { shanghaiDate } from '../../shared/time';
import { levelFees } from './levels';
import { Schedule } from './models';
import { listingsChanged } from './service';

/**
 * After a 号别's fee or a doctor's 号别 changed: the doctor's sessions still to come that nobody holds a number of
 * take the new fee (`booked_count = 0` is checked by the UPDATE itself, so a booking made meanwhile — under the
 * session's row lock — keeps the price it was shown). Sessions with bookings keep theirs: a price never changes
 * under a patient.
 */
export async function repriceSessions(doctorIds: number[]) {
  const fees = await levelFees(doctorIds);
  let repriced = 0;
  for (const [doctorId, feeFen] of fees) {
    const due = await Schedule.findAll({
      where: {
        doctorId,
        status: 'open',
        bookedCount: 0,
        clinicDate: { [Op.gte]: shanghaiDate() },
        feeFen: { [Op.ne]: feeFen },
      },
      attributes: ['id', 'deptId'],
      raw: true,
    });
    if (!due.length) continue;
    const [n] = await Schedule.update({ feeFen }, { where: { id: due.map((s) => s.id), bookedCount: 0 } });
    repriced += n;
    for (const deptId of new Set(due.map((s) => s.deptId))) await listingsChanged({ doctorId, deptId });
  }
  return repriced;
}
