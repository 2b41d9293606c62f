import { randomToken } from '../lib/crypto';

/** 128 random bits, base64url: the uid is the attendee's capability to read and change the booking. */
export const newBookingUid = () => randomToken(16).replace(/^[-_]/, 'b');
