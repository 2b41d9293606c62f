// The pure rules of availability and booking (no binding, no request), run in one workerd: each `*.unit.ts` file
// below is a topic of its own, but a test file's workerd start-up costs more than these tests take together.
// The timezone rules stay inside workerd on purpose: its ICU data is the one production runs on.
import './slots-engine.property.unit';
import './slots-engine-dst.unit';
import './slots-engine-rules.unit';
import './slots-limits.unit';
import './slots-limits.property.unit';
import './seats-slots.property.unit';
import './recurring-slots.property.unit';
import './teams-availability.property.unit';
import './teams-limits.property.unit';
import './teams-assignment.unit';
import './schedules-rules.unit';
import './reservations-rules.unit';
import './booking-draft.unit';
import './lease.unit';
import './payments-machine.unit';
